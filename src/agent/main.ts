import { pino } from 'pino';
import { AgentConfigError, parseAgentConfig, usage } from './config.js';
import { startAgent } from './agent.js';
import { DirLockedError } from './lock.js';

/**
 * Station agent entry: `npm run station-agent -- --server URL --token TOKEN --dir DIR [--player "CMD {file}"]`
 * (options may also come from LOAXA_* environment variables; see --help).
 */
async function main() {
  let parsed;
  try {
    parsed = parseAgentConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof AgentConfigError) {
      console.error(`${err.message}\n\n${usage()}`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    console.log(usage());
    return;
  }
  const { config } = parsed;
  const log = pino({
    level: config.logLevel,
    base: { service: 'loa-xa-agent', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A safety net: the banner shows a masked hint only (tokenHint), and nothing should log the token itself.
    redact: ['token', 'config.token', '*.token', 'headers.authorization', '*.headers.authorization'],
  });
  let agent;
  try {
    agent = await startAgent(config, log);
  } catch (err) {
    if (err instanceof DirLockedError) {
      log.fatal(err.message);
      process.exit(3);
    }
    throw err;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    agent.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  // Whatever slipped through: say so, and let the supervisor restart the agent (the journal loses nothing).
  const fatal = (err: unknown) => {
    log.fatal({ err }, 'unexpected failure; exiting');
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
