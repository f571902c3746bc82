import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, Role } from '../config/index.js';
import { createApp } from './api/app.js';
import { startScheduler } from './scheduler/index.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createPostgresDatabase } from './db/postgres.js';
import { usersRepo } from './db/users-repo.js';
import { createLogger, type Logger } from './logger.js';
import { resolveMediaBinaries } from './media/binaries.js';
import { createMediaRunner } from './media/runner.js';
import { createJobQueues, createWorker, type JobQueues } from './queue/queues.js';
import { episodeService } from './services/episode-service.js';
import { reconcileEpisodes } from './services/reconciler.js';
import type { EmbeddedS3 } from './storage/embedded-s3.js';
import { createObjectStore, type ObjectStore } from './storage/object-store.js';
import { createS3Client } from './storage/s3-client.js';
import { transcodeFailureHook, transcodeHandler } from '../workers/transcode.js';
import { pushHandler } from '../workers/push.js';
import { serviceSecret } from './db/secrets-repo.js';
import { stationsRepo } from './db/stations-repo.js';
import { manifestBuilder } from './services/manifest-service.js';
import { manifestCache } from './services/manifest-cache.js';
import { planService } from './services/plan-service.js';
import { pushService, type PushService } from './services/push-service.js';
import { stationService } from './services/station-service.js';
import { trackingService } from './services/tracking-service.js';
import { contactThrottle, stationAuthCache } from './services/station-auth-cache.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  store: ObjectStore;
  queues: JobQueues;
  /** Base URL of the HTTP API when this process serves it. */
  url?: string;
  reconcile(): Promise<number>;
  push: PushService;
  close(): Promise<void>;
}

const runs = (config: Config, role: Exclude<Role, 'all'>) => config.role === 'all' || config.role === role;

export async function openDatabase(config: Config): Promise<Database> {
  // The embedded database and storage load only when used: a split deployment never pays their memory.
  const db = config.database.url
    ? createPostgresDatabase(config.database.url, config.database.poolSize)
    : await (await import('./db/pglite.js')).createPgliteDatabase(config.database.embeddedDir);
  await migrate(db);
  return db;
}

/**
 * The composition root: opens the adapters once and starts the roles this process runs
 * (API, workers, scheduler — all three by default).
 */
export async function startRuntime(config: Config, logger = createLogger(config)): Promise<Runtime> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'error while closing'));
  };
  try {
    if (!config.database.url && config.role !== 'all') {
      throw new Error(`ROLE=${config.role} needs DATABASE_URL: the embedded database lives inside one process`);
    }
    const db = await openDatabase(config);
    closers.push(() => db.close());

    let embedded: EmbeddedS3 | undefined;
    if (config.s3.embedded) {
      const { startEmbeddedS3 } = await import('./storage/embedded-s3.js');
      embedded = await startEmbeddedS3({ directory: config.s3.embeddedDir, port: config.s3.embeddedPort, bucket: config.s3.bucket });
      closers.push(() => embedded!.close());
      logger.info({ endpoint: embedded.endpoint }, 'embedded S3-compatible storage started');
    }
    const s3 = createS3Client(config.s3, embedded?.endpoint ?? config.s3.endpoint, logger);
    closers.push(async () => s3.destroy());
    const store = createObjectStore(s3, config.s3.bucket, !config.s3.embedded, config.s3.uploadMode);
    await store.ensureBucket();

    const queues = createJobQueues(config);
    closers.push(() => queues.close());
    const reconcile = () => reconcileEpisodes({ db, queues, logger }, config.jobs.reconcileGraceSec);

    const linkSecret = await serviceSecret(db, 'media_links');
    const build = manifestBuilder({ db, config, linkSecret });
    // Pushed manifests carry absolute links: PUBLIC_URL in deployments, this process's own address otherwise.
    const baseUrl = () => config.http.publicUrl ?? runtime.url ?? `http://127.0.0.1:${config.http.port}`;
    const push = pushService({ db, config, queues, build, baseUrl, logger });

    const runtime: Runtime = { config, logger, db, store, queues, reconcile, push, close };

    if (runs(config, 'worker')) {
      const runner = createMediaRunner(resolveMediaBinaries(config.media));
      logger.info(runner.binaries, 'media binaries');
      const deps = { config, db, store, runner };
      const worker = createWorker(config, 'transcode', transcodeHandler(deps, logger), config.jobs.transcodeConcurrency);
      const onTranscodeFailed = transcodeFailureHook(deps, logger, config.jobs.attempts);
      worker.on('failed', (job, err) => void onTranscodeFailed(job, err));
      worker.on('error', (err) => logger.warn({ err }, 'transcode worker error'));
      closers.push(() => worker.close());
      const pushWorker = createWorker(config, 'push', pushHandler(push, logger), config.distribution.pushConcurrency);
      pushWorker.on('error', (err) => logger.warn({ err }, 'push worker error'));
      closers.push(() => pushWorker.close());
    }

    if (runs(config, 'scheduler')) {
      const scheduler = startScheduler(config, logger, { reconcile, schedulePushes: () => push.scheduleDue() });
      closers.push(async () => scheduler.stop());
    }

    if (runs(config, 'api')) {
      const users = usersRepo(db);
      const stationRows = stationsRepo(db);
      const stationAuth = stationAuthCache((h) => stationRows.byTokenHash(h));
      const stationsChanged = () => stationAuth.clear();
      const app = createApp({
        config,
        logger,
        store,
        db,
        linkSecret,
        stationsRepo: stationRows,
        stations: stationService({ db, config, onChange: stationsChanged }),
        plans: planService({
          db,
          config,
          // An emergency does not wait for the next tick.
          hooks: {
            onScheduleChange: stationsChanged,
            onEmergency: (ids) =>
              push.scheduleDue(ids).then(
                () => undefined,
                (err: unknown) => logger.warn({ err }, 'emergency push not queued now; the next tick will'),
              ),
          },
        }),
        manifest: manifestCache(build),
        tracking: trackingService({ db, config }),
        episodes: episodeService({ db, store, queues, logger }),
        auth: {
          adminToken: config.adminToken,
          ownerOfToken: (h) => users.ownerOfToken(h),
          stationOfToken: (h) => stationAuth.get(h),
          touchStation: contactThrottle((id) => stationRows.touchContact(id)),
        },
        readiness: [
          { name: 'database', check: async () => void (await db.query('SELECT 1')) },
          { name: 'redis', check: () => queues.ping() },
          { name: 'storage', check: () => store.ping() },
        ],
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(config.http.port, config.http.host, () => resolve(s));
        s.once('error', reject);
      });
      // Uploads over slow links can take long; only an idle connection is cut.
      server.requestTimeout = 0;
      server.headersTimeout = 60_000;
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      const { port } = server.address() as AddressInfo;
      runtime.url = `http://127.0.0.1:${port}`;
      logger.info({ url: runtime.url }, 'API listening');
    }
    return runtime;
  } catch (err) {
    await close();
    throw err;
  }
}
