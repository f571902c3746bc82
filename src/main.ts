import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';
import { StartupRefusal } from './startup-refusal.js';

/** Entry point: `node dist/src/main.js [all|api|worker|scheduler]` (or ROLE=...). */
async function main() {
  // The SDK is pinned below the releases that need Node 22 (README); its yearly reminder is noise in our logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
  let runtime;
  try {
    runtime = await startRuntime(config, logger);
  } catch (err) {
    // A reason a person can act on (the data directory in use, the disk full): said plainly, without a stack.
    if (err instanceof StartupRefusal) {
      logger.fatal({ code: err.code }, err.message);
      console.error(err.describe());
      process.exit(err.exitCode);
    }
    throw err;
  }
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
