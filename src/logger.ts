import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';

export type { Logger };

/** One root logger; request and job loggers are children carrying reqId / jobId. */
export function createLogger(config: Pick<Config, 'logLevel' | 'role'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'loa-xa', role: config.role },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
