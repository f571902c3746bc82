import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, Role } from '../config/index.js';
import { createApp } from './api/app.js';
import { createHttpServer } from './api/http-server.js';
import { startScheduler } from './scheduler/index.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createPostgresDatabase } from './db/postgres.js';
import { usersRepo } from './db/users-repo.js';
import { createLogger, type Logger } from './logger.js';
import { BUNDLED_FFMPEG_NOTE, resolveMediaBinaries } from './media/binaries.js';
import { createMediaRunner, warmUpFfmpeg } from './media/runner.js';
import { closeWorker, createJobQueues, createWorker, type JobQueues } from './queue/queues.js';
import { episodeService } from './services/episode-service.js';
import { reconcileEpisodes } from './services/reconciler.js';
import { sweepStaleWorkDirs } from './services/work-dirs.js';
import { sweepOrphanObjects } from './services/orphan-sweep.js';
import { resumableUploadService, sweepExpiredUploads, tusStoreFor } from './services/resumable-upload-service.js';
import type { EmbeddedS3 } from './storage/embedded-s3.js';
import { createObjectStore, type ObjectStore } from './storage/object-store.js';
import { diskSpaceCheck } from './storage/disk-space.js';
import { createS3Client } from './storage/s3-client.js';
import { transcodeFailureHook, transcodeHandler } from '../workers/transcode.js';
import { pushHandler } from '../workers/push.js';
import { alertWebhookHandler } from '../workers/alert-webhook.js';
import { alertService, type AlertService } from './services/alert-service.js';
import { serviceSecret } from './db/secrets-repo.js';
import { stationsRepo } from './db/stations-repo.js';
import { manifestBuilder } from './services/manifest-service.js';
import { manifestCache, type ManifestCache } from './services/manifest-cache.js';
import { planService } from './services/plan-service.js';
import { pushService, type PushService } from './services/push-service.js';
import { stationService } from './services/station-service.js';
import { trackingService } from './services/tracking-service.js';
import { contactThrottle, stationAuthCache } from './services/station-auth-cache.js';
import { currentDeviceTokens } from './db/device-tokens-repo.js';
import { channelHub } from './realtime/channel-hub.js';
import { createLiveBus } from './realtime/live-bus.js';
import { liveNotifier } from './realtime/live-notifier.js';
import { playNowService } from './services/play-now-service.js';
import { deviceService, type DeviceService } from './services/device-service.js';
import { bulletinService } from './services/bulletin-service.js';
import { createSpeechEngine } from './media/speech/index.js';
import { signInParts } from './api/session/index.js';

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
  alerts: AlertService;
  /** Devices and their presence, when this process serves the API (devices.seen: a sign of life). */
  devices?: DeviceService;
  /** Built manifests by station, when this process serves the API. */
  manifests?: ManifestCache;
  close(): Promise<void>;
}

const runs = (config: Config, role: Exclude<Role, 'all'>) => config.role === 'all' || config.role === role;

export async function openDatabase(config: Config): Promise<Database> {
  // The embedded database and storage load only when used: a split deployment never pays their memory.
  // The embedded one also locks DATA_DIR (one process at a time) and says so when its disk is full.
  if (!config.database.url) return (await import('./db/embedded-database.js')).openEmbeddedDatabase(config, migrate);
  const db = createPostgresDatabase(config.database.url, config.database.poolSize);
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
      embedded = await startEmbeddedS3({
        directory: config.s3.embeddedDir,
        port: config.s3.embeddedPort,
        bucket: config.s3.bucket,
        reserveBytes: config.upload.diskReserveBytes,
      });
      closers.push(() => embedded!.close());
      logger.info({ endpoint: embedded.endpoint }, 'embedded S3-compatible storage started');
    }
    const s3 = createS3Client(config.s3, embedded?.endpoint ?? config.s3.endpoint, logger);
    closers.push(async () => s3.destroy());
    // Presigned links are signed for the host browsers reach the storage by (S3_PUBLIC_ENDPOINT), not the service's own.
    const presigner = config.s3.publicEndpoint && config.s3.publicEndpoint !== config.s3.endpoint ? createS3Client(config.s3, config.s3.publicEndpoint, logger) : s3;
    if (presigner !== s3) closers.push(async () => presigner.destroy());
    const store = createObjectStore(s3, config.s3.bucket, !config.s3.embedded, config.s3.uploadMode, presigner);
    await store.ensureBucket();
    // Resumable (tus) uploads: received by the API, swept after their expiry by the scheduler.
    const tus = tusStoreFor(config, embedded?.endpoint ?? config.s3.endpoint, db);

    const queues = createJobQueues(config);
    closers.push(() => queues.close());
    const reconcile = () => reconcileEpisodes({ db, queues, logger }, config.jobs.reconcileGraceSec);

    const linkSecret = await serviceSecret(db, 'media_links');
    const build = manifestBuilder({ db, config, linkSecret });
    // Pushed manifests carry absolute links: PUBLIC_URL in deployments, this process's own address otherwise.
    const baseUrl = () => config.http.publicUrl ?? runtime.url ?? `http://127.0.0.1:${config.http.port}`;
    const push = pushService({ db, config, queues, build, baseUrl, logger });
    const alerts = alertService({ db, config, queues, logger: logger.child({ part: 'alerts' }) });

    const runtime: Runtime = { config, logger, db, store, queues, reconcile, push, alerts, close };

    if (runs(config, 'worker')) {
      // Before any job runs: what workers killed mid-transcode left in TMP_DIR (a failed sweep must not stop the start).
      await sweepStaleWorkDirs(config.tmpDir, { unownedIdleMs: config.media.timeoutSec * 1000 }, logger).catch((err: unknown) =>
        logger.warn({ err, tmpDir: config.tmpDir }, 'stale work directories not swept'),
      );
      const runner = createMediaRunner(resolveMediaBinaries(config.media));
      logger.info(runner.binaries, 'media binaries');
      if (runner.binaries.source === 'bundled') logger.warn({ ffmpeg: runner.binaries.ffmpeg }, BUNDLED_FFMPEG_NOTE);
      const warmStart = performance.now();
      void warmUpFfmpeg(runner.binaries).then(() => logger.debug({ ms: Math.round(performance.now() - warmStart) }, 'ffmpeg capabilities read'));
      const deps = { config, db, store, runner };
      const onTranscodeFailed = transcodeFailureHook(deps, logger, config.jobs.attempts);
      for (const [name, concurrency] of [
        ['transcode', config.jobs.transcodeConcurrency],
        ['transcode-urgent', config.jobs.urgentTranscodeConcurrency],
      ] as const) {
        const worker = createWorker(config, name, transcodeHandler(deps, logger), concurrency);
        worker.on('failed', (job, err) => void onTranscodeFailed(job, err));
        worker.on('error', (err) => logger.warn({ err, queue: name }, 'transcode worker error'));
        closers.push(() => closeWorker(worker, config.jobs.lockMs));
      }
      const pushWorker = createWorker(config, 'push', pushHandler(push, logger), config.distribution.pushConcurrency);
      pushWorker.on('error', (err) => logger.warn({ err }, 'push worker error'));
      closers.push(() => closeWorker(pushWorker, config.jobs.lockMs));
      const alertWorker = createWorker(config, 'alert-webhook', alertWebhookHandler(alerts, logger), 5);
      alertWorker.on('error', (err) => logger.warn({ err }, 'alert webhook worker error'));
      closers.push(() => closeWorker(alertWorker, config.jobs.lockMs));
    }

    if (runs(config, 'scheduler')) {
      const presence = deviceService({ db, config, logger });
      const scheduler = startScheduler(config, logger, {
        reconcile,
        schedulePushes: () => push.scheduleDue(),
        evaluateAlerts: () => alerts.evaluate(),
        sweepPresence: () => presence.sweepPresence(),
        sweepUploads: () => sweepExpiredUploads(tus, logger),
        sweepOrphans: () => sweepOrphanObjects({ db, store, logger: logger.child({ part: 'orphans' }) }, { graceSec: config.upload.orphanGraceSec }),
      });
      closers.push(async () => scheduler.stop());
    }

    if (runs(config, 'api')) {
      const users = usersRepo(db);
      const stationRows = stationsRepo(db);
      const stationAuth = stationAuthCache((h) => stationRows.byDeviceTokenHash(h));
      const stationsChanged = () => stationAuth.clear();
      const bus = createLiveBus(config, logger);
      closers.push(() => bus.close());
      const live = liveNotifier(bus, logger);
      const devices = deviceService({
        db,
        config,
        logger,
        // A rotated or revoked token stops here at once, and its open channels close on every API process.
        hooks: { onTokensChange: stationsChanged, onDeviceRevoked: (id) => live.revokeDevice(id) },
      });
      runtime.devices = devices;
      const stationContact = contactThrottle((id) => stationRows.touchContact(id));
      const deviceContact = contactThrottle((id) => devices.seen(id), 30_000);
      const manifests = manifestCache(build);
      runtime.manifests = manifests;
      // A change made through any API process (this one's included): those stations' next manifest read rebuilds.
      bus.onEvents((events) => {
        manifests.invalidate(events.map((e) => e.stationId));
        // A station edited elsewhere (name, zone, deactivation): its cached row must go too.
        if (events.some((e) => e.type === 'manifest' && (e.data as { reason: string }).reason === 'station_changed')) stationsChanged();
      });
      bus.onRevoke(stationsChanged);
      const hub = channelHub({
        config,
        logger: logger.child({ part: 'live' }),
        bus,
        currentTokens: (ids) => currentDeviceTokens(db, ids),
        // A channel opening or closing is a sign of life, written at once (not throttled).
        deviceSeen: (id) => void devices.seen(id).catch((err: unknown) => logger.warn({ err, deviceId: id }, 'device presence not recorded')),
      });
      closers.push(async () => hub.close());
      const episodes = episodeService({ db, store, queues, logger });
      const bulletins = bulletinService({
        config,
        episodes,
        engine: createSpeechEngine(config.tts, logger.child({ part: 'tts' })),
        runner: createMediaRunner(resolveMediaBinaries(config.media)),
        logger,
      });
      closers.push(() => bulletins.close());
      const plans = planService({
        db,
        config,
        hooks: {
          onScheduleChange: (ids, reason) => {
            manifests.invalidate(ids);
            // An emergency's own event (play-now) tells its stations; the others hear that their manifest changed.
            if (reason !== 'emergency_approved') void live.manifestChanged(ids, reason);
          },
          // An emergency does not wait for the next tick: the live channel now, webhooks at once.
          onEmergency: async (e) => {
            await live.emergency(e);
            await push.scheduleDue(e.airings.map((a) => a.stationId)).then(
              () => undefined,
              (err: unknown) => logger.warn({ err }, 'emergency push not queued now; the next tick will'),
            );
          },
          onUrgentEpisode: (id) => episodes.promoteUrgent(id, logger),
        },
      });
      const signIn = await signInParts(db, config);
      closers.push(() => signIn.close());
      const app = createApp({
        config,
        logger,
        signIn,
        store,
        db,
        linkSecret,
        stationsRepo: stationRows,
        stations: stationService({
          db,
          config,
          onChange: (c) => {
            stationsChanged();
            if (c.kind === 'schedule') void live.manifestChanged([c.stationId], 'station_changed');
            if (c.kind === 'token_rotated') void live.revokeDevice(c.deviceId);
          },
        }),
        plans,
        devices,
        hub,
        playNow: playNowService({
          db,
          plans,
          hooks: {
            onStop: (id, stopped) => {
              manifests.invalidate(stopped.map((x) => x.stationId));
              void live.stopped(id, stopped);
            },
          },
        }),
        manifest: manifests,
        tracking: trackingService({ db, config }),
        alerts,
        episodes,
        bulletins,
        tus,
        uploads: resumableUploadService({ tus, objects: store, episodes }),
        auth: {
          adminToken: config.adminToken,
          ownerOfToken: (h) => users.ownerOfToken(h),
          deviceOfToken: (h) => stationAuth.get(h),
          // Any authenticated device request is a sign of life, written at most every 30 s per device.
          touchStation: async (stationId, deviceId) => {
            await Promise.all([stationContact(stationId), deviceContact(deviceId)]);
          },
        },
        readiness: [
          { name: 'database', check: async () => void (await db.query('SELECT 1')) },
          { name: 'redis', check: () => queues.ping() },
          { name: 'storage', check: () => store.ping() },
          // The embedded database and storage share DATA_DIR: a full disk is why uploads are refused (507).
          ...(config.s3.embedded || !config.database.url ? [{ name: 'disk', check: diskSpaceCheck([config.dataDir], config.upload.diskReserveBytes) }] : []),
        ],
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = createHttpServer(app, config.http).listen(config.http.port, config.http.host, () => resolve(s));
        s.once('error', reject);
      });
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
