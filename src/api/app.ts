import crypto from 'node:crypto';
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { EpisodeService } from '../services/episode-service.js';
import type { Database } from '../db/database.js';
import type { StationsRepo } from '../db/stations-repo.js';
import type { PlanService } from '../services/plan-service.js';
import type { StationService } from '../services/station-service.js';
import type { ManifestDocument } from '../domain/manifest/index.js';
import type { StationRow } from '../db/stations-repo.js';
import { airingsRouter, plansRouter } from './routes/plans.js';
import { stationsRouter } from './routes/stations.js';
import { stationFeedRouter, stationMediaRouter } from './routes/station-feed.js';
import { airedRouter, playsRouter, reportsRouter, statsRouter } from './routes/tracking.js';
import { alertsRouter } from './routes/alerts.js';
import type { AlertService } from '../services/alert-service.js';
import type { TrackingService } from '../services/tracking-service.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticate, type AuthDeps } from './auth.js';
import { errorHandler, HttpError } from './errors.js';
import { anyOriginMayEmbed, securityHeaders } from './security-headers.js';
import { jsonBody } from './json-body.js';
import { refuseNul } from './nul-guard.js';
import { episodesRouter } from './routes/episodes.js';
import { episodeMediaRouter } from './routes/episode-media.js';
import { episodeLinks } from '../services/episode-links.js';
import { healthRouter, type ReadinessCheck } from './routes/health.js';
import { openApiRouter } from './openapi/router.js';
import { playNowRouter } from './routes/play-now.js';
import { stationEventsRouter } from './routes/station-events.js';
import type { ChannelHub } from '../realtime/channel-hub.js';
import type { PlayNowService } from '../services/play-now-service.js';
import type { DeviceService } from '../services/device-service.js';
import { devicesRouter, stationDevicesRouter } from './routes/devices.js';
import { fleetRouter } from './routes/fleet.js';
import { stationHeartbeatRouter } from './routes/station-heartbeat.js';
import { tusClientScript, tusUploadsRouter } from './routes/tus-uploads.js';
import type { TusOriginalStore } from '../storage/tus-store.js';
import type { ResumableUploadService } from '../services/resumable-upload-service.js';
import { bulletinsRouter } from './routes/bulletins.js';
import type { BulletinService } from '../services/bulletin-service.js';
import type { SignInParts } from './session/index.js';
import { csrfGuard } from './session/session-middleware.js';
import { passwordChangeGate } from './session/password-gate.js';
import { signInRouter, signOutRouter } from './routes/session.js';
import { meRouter } from './routes/me.js';
import { areasRouter } from './routes/areas.js';
import { usersRouter } from './routes/users.js';
import { auditRouter } from './routes/audit.js';
import { attachAudit } from './audit-context.js';
import { auditService } from '../services/audit-service.js';
import { areaService } from '../services/area-service.js';
import { userService } from '../services/user-service.js';
import { accessService } from '../services/access.js';

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/public');

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: ObjectStore;
  episodes: EpisodeService;
  auth: AuthDeps;
  readiness: ReadinessCheck[];
  db: Database;
  stationsRepo: StationsRepo;
  stations: StationService;
  plans: PlanService;
  manifest: (station: StationRow, at: Date, baseUrl: string) => Promise<{ doc: ManifestDocument }>;
  linkSecret: string;
  tracking: TrackingService;
  alerts: AlertService;
  hub: ChannelHub;
  playNow: PlayNowService;
  devices: DeviceService;
  /** Resumable (tus) uploads: the store of their parts and what becomes of a finished one. */
  tus: TusOriginalStore;
  uploads: ResumableUploadService;
  bulletins: BulletinService;
  /** People signing in: sessions, back-off, their own password and tokens. */
  signIn: SignInParts;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Forwarded headers (client address for the sign-in limiter, scheme and host for links) only from configured proxies.
  app.set('trust proxy', Array.isArray(deps.config.http.trustProxy) ? [...deps.config.http.trustProxy] : deps.config.http.trustProxy);
  app.use(securityHeaders(deps.config));
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Health checks and stations' routine manifest polls (10,000 stations → ~170 a second) would drown the log;
      // a poll that fails is still logged by the error handler.
      // Live channels are logged by the hub, not once per reconnect.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/api/v1/station/manifest' || req.url === '/api/v1/station/events' },
      // Tokens never reach the logs.
      redact: ['req.headers.authorization'],
    }),
  );
  app.use(healthRouter(deps.readiness));
  // The contract and the docs page's files are public: before authentication, like health.
  app.use(openApiRouter());
  // The dashboard: static files that talk to the JSON API below and nothing else.

  const api = express.Router();
  // U+0000 in a path or query string fails at the database: refused here, naming the field.
  api.use(refuseNul());
  // Signed media links authenticate themselves, so any player on a station can fetch them.
  api.use('/station/media', anyOriginMayEmbed, stationMediaRouter({ db: deps.db, store: deps.store, stations: deps.stationsRepo, linkSecret: deps.linkSecret, logger: deps.logger }));
  // Likewise the dashboard's short-lived episode links (downloads, listening), where the storage does not sign links.
  api.use('/episode-media', episodeMediaRouter({ episodes: deps.episodes, store: deps.store, linkSecret: deps.linkSecret }));
  // Guessing tokens is hopeless (256 bits), but a client hammering with bad ones is slowed down all the same.
  // Only failed sign-ins reach the limiter, so a station's polling costs nothing here.
  const failedSignIns = rateLimit({
    windowMs: 5 * 60_000,
    limit: 60,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Keyed by req.ip, which honours X-Forwarded-For only from TRUST_PROXY; by default the header is ignored, as meant.
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'TOO_MANY_FAILED_SIGN_INS', 'Too many requests with invalid tokens; wait a few minutes', 'Quá nhiều lần đăng nhập sai, vui lòng thử lại sau ít phút')),
  });
  // Every route records its changes here (recordChange), sign-in attempts included.
  const audit = auditService({ db: deps.db, logger: deps.logger });
  api.use(attachAudit(audit));
  // Signing in comes before authentication (nothing to authenticate with yet); the session middleware then runs only
  // for requests carrying the cookie and no bearer token, so station polls and scripts never reach the sessions table.
  // (Looked up per request: the contract test builds this app from placeholder dependencies to list its routes.)
  api.use(signInRouter({ sessions: deps.signIn.service, session: (req, res, next) => deps.signIn.middleware.always(req, res, next), publicUrl: deps.config.http.publicUrl }));
  api.use((req, res, next) => deps.signIn.middleware.load(req, res, next));
  api.use(authenticate({ ...deps.auth, sessionUser: deps.signIn.sessionUser, onFailure: failedSignIns }));
  api.use(csrfGuard(deps.config.http.publicUrl), passwordChangeGate);
  // Before the JSON parser: tus bodies are the file itself.
  api.use('/uploads/tus', tusUploadsRouter({ config: deps.config, tus: deps.tus, uploads: deps.uploads, stationPlace: accessService(deps.db).stationPlace }));
  // Nesting capped besides size: 900,000 levels of "[" parse into +80 MB. The plays batch judges its events one by one.
  api.use(jsonBody({ limitBytes: 2 * 1024 * 1024, maxDepth: 64 }), refuseNul({ itemwiseBodies: ['/station/plays'] }));
  api.use(meRouter({ sessions: deps.signIn.service }), signOutRouter({ sessions: deps.signIn.service }));
  api.use('/episodes', episodesRouter({ config: deps.config, episodes: deps.episodes, store: deps.store, links: episodeLinks({ config: deps.config, store: deps.store, linkSecret: deps.linkSecret }) }));
  api.use('/bulletins', bulletinsRouter({ bulletins: deps.bulletins, maxChars: deps.config.tts.maxChars }));
  api.use('/stations', stationsRouter({ stations: deps.stations, plans: deps.plans, db: deps.db, devices: deps.devices }), stationDevicesRouter({ devices: deps.devices }));
  api.use('/areas', areasRouter({ areas: areaService({ db: deps.db }) }));
  api.use('/users', usersRouter({ users: userService({ db: deps.db }) }));
  api.use(auditRouter({ audit, access: accessService(deps.db) }));
  api.use('/devices', devicesRouter({ devices: deps.devices }));
  api.use('/fleet', fleetRouter({ devices: deps.devices }));
  api.use('/plans', plansRouter({ plans: deps.plans }));
  api.use('/airings', airingsRouter({ plans: deps.plans }), airedRouter({ tracking: deps.tracking, plans: deps.plans }));
  api.use('/station', stationEventsRouter({ hub: deps.hub }), stationHeartbeatRouter({ devices: deps.devices }), playsRouter({ tracking: deps.tracking }), stationFeedRouter({ config: deps.config, manifest: deps.manifest }));
  api.use('/play-now', playNowRouter({ playNow: deps.playNow }));
  api.use('/stats', statsRouter({ tracking: deps.tracking }));
  api.use('/reports', reportsRouter({ tracking: deps.tracking, config: deps.config, logger: deps.logger }));
  api.use('/alerts', alertsRouter({ alerts: deps.alerts }));
  api.use((req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `No route ${req.method} ${req.originalUrl}`, 'Không tìm thấy')));
  app.use('/api/v1', api);
  // After the API, so API requests never touch the file system. Revalidated on every load (ETag): a deploy never
  // leaves a browser mixing old and new scripts.
  // The dashboard's resumable uploads: tus-js-client's browser build, straight from the installed package.
  app.get('/vendor/tus.min.js', tusClientScript());
  app.use(express.static(WEB_ROOT, { index: 'index.html', maxAge: 0 }));

  app.use(errorHandler);
  return app;
}
