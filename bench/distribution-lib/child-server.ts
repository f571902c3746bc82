import type { Server } from 'node:http';

/** A benchmark's child server exits cleanly when told to, or when its parent goes away. */
export function exitWithParent(server: Server): void {
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}
