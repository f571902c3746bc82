import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';

/** Entry point: `tsx src/main.ts [all|api|worker|scheduler]` (or ROLE=...). */
async function main() {
  const roleArg = process.argv[2];
  let config;
  try {
    config = loadConfig(process.env, roleArg ? { ROLE: roleArg } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const runtime = await startRuntime(config, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
