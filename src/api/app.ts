import crypto from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { EpisodeService } from '../services/episode-service.js';
import { authenticate, type AuthDeps } from './auth.js';
import { errorHandler, HttpError } from './errors.js';
import { episodesRouter } from './routes/episodes.js';
import { healthRouter, type ReadinessCheck } from './routes/health.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: ObjectStore;
  episodes: EpisodeService;
  auth: AuthDeps;
  readiness: ReadinessCheck[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Tokens never reach the logs.
      redact: ['req.headers.authorization'],
    }),
  );
  app.use(healthRouter(deps.readiness));

  const api = express.Router();
  api.use(authenticate(deps.auth));
  api.use(express.json({ limit: '2mb' }));
  api.use('/episodes', episodesRouter({ config: deps.config, episodes: deps.episodes, store: deps.store }));
  api.use((req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `No route ${req.method} ${req.originalUrl}`, 'Không tìm thấy')));
  app.use('/api/v1', api);

  app.use(errorHandler);
  return app;
}
