import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration, parsed once at start from the environment into a typed, frozen object.
 * Every setting is optional: absent ones fall back to the embedded defaults described in the README.
 */

const ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

const int = (min: number, max: number) =>
  z.coerce.number().int(`must be a whole number`).min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);
const num = (min: number, max: number) =>
  z.coerce.number().min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);
const optionalText = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  ROLE: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).default('all'),
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional()),
  // Which peers may set X-Forwarded-For/-Proto/-Host. Nothing by default: anyone reaching the port could forge them.
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .refine(isTrustProxy, 'must be false, a hop count (1–10), or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses or CIDR ranges')
      .optional(),
  ),
  // Slow clients. Headers are small and arrive at once even on 3G. A body is cut after this long without a byte (a
  // slow upload that keeps moving never is); a whole request may take an hour (450 MB at 1 Mbit/s): longer uploads
  // are what resumable (tus) uploads are for, each piece a request of its own.
  HTTP_HEADERS_TIMEOUT_SEC: int(1, 3600).default(60),
  HTTP_BODY_IDLE_TIMEOUT_SEC: int(1, 3600).default(30),
  HTTP_REQUEST_TIMEOUT_SEC: int(0, 24 * 3600).default(3600),
  DATA_DIR: z.string().default('./data'),
  TMP_DIR: z.string().default(os.tmpdir()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(1, 200).default(10),

  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/i, 'letters, digits, - and _ only').default('loaxa'),

  S3_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional()),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be 3–63 lowercase letters, digits, dots or hyphens')
    .default('loa-xa'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  S3_FORCE_PATH_STYLE: bool.default(true),
  // The storage's address as browsers reach it, for presigned links (docker-compose: http://localhost:9000, not minio:9000).
  S3_PUBLIC_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional()),
  EMBEDDED_S3_PORT: int(0, 65535).default(0),
  S3_UPLOAD_MODE: z.enum(['auto', 'multipart', 'stream'], { error: 'must be auto, multipart or stream' }).default('auto'),
  PRESIGN_TTL_SEC: int(60, 7 * 24 * 3600).default(900),

  ADMIN_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),

  UPLOAD_MAX_BYTES: int(1, Number.MAX_SAFE_INTEGER).default(1024 ** 3),
  // A resumable (tus) upload left unfinished this long is removed, parts and all.
  UPLOAD_EXPIRY_SEC: int(1, 30 * 24 * 3600).default(24 * 3600),
  UPLOAD_SWEEP_CRON: z.string().default('*/10 * * * *'),
  // Stored originals and renditions with no episode row (an upload cut short) are removed once this old.
  ORPHAN_GRACE_SEC: int(600, 365 * 24 * 3600).default(24 * 3600),
  ORPHAN_SWEEP_CRON: z.string().default('41 * * * *'),
  // The embedded storage refuses writes that would leave less free space under DATA_DIR: the embedded database
  // shares that disk and cannot run out of space itself.
  DISK_RESERVE_MB: int(0, 1024 * 1024).default(128),
  EPISODE_MIN_DURATION_SEC: num(0, 3600).default(1),
  EPISODE_MAX_DURATION_SEC: num(1, 48 * 3600).default(4 * 3600),
  LOUDNESS_TARGET_LUFS: num(-40, -5).default(-16),
  TRUE_PEAK_MAX_DBTP: num(-9, 0).default(-1.5),
  MP3_BITRATE_KBPS: z.coerce
    .number()
    .refine((v) => [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192].includes(v), 'must be an MPEG-1 Layer III bitrate (32–192)')
    .default(64),
  OPUS_BITRATE_KBPS: int(6, 256).default(24),
  SILENCE_THRESHOLD_DB: num(-90, -20).default(-50),
  SILENCE_TRIM_MIN_SEC: num(0.5, 600).default(3),
  SILENCE_KEEP_SEC: num(0, 10).default(0.5),
  FFMPEG_PATH: optionalText,
  FFPROBE_PATH: optionalText,
  FFMPEG_TIMEOUT_SEC: int(10, 24 * 3600).default(3 * 3600),
  // auto: for an urgent episode, when there is a second core, the gain probes are split over two processes and the
  // opus encoder gets one of its own (0.77× the floor's wall time but 1.24× its CPU, measured for the encoders);
  // programmes run one process at a time (1.03× both), leaving that core free.
  MEDIA_PARALLEL_ENCODERS: z.enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' }).default('auto'),

  TRANSCODE_CONCURRENCY: int(1, 64).default(1),
  // Emergency bulletins get a worker of their own, so one is always free while a long programme transcodes.
  URGENT_TRANSCODE_CONCURRENCY: int(1, 64).default(1),
  JOB_ATTEMPTS: int(1, 100).default(5),
  JOB_BACKOFF_MS: int(100, 24 * 3600 * 1000).default(15_000),
  JOB_LOCK_MS: int(1000, 3600 * 1000).default(30_000),
  JOB_STALLED_INTERVAL_MS: int(1000, 3600 * 1000).default(30_000),
  JOB_MAX_STALLED: int(1, 100).default(5),
  RECONCILE_CRON: z.string().default('* * * * *'),

  QUIET_HOURS_START: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('22:00'),
  QUIET_HOURS_END: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('05:00'),
  MAX_SESSION_MIN: int(1, 1440).default(180),
  CACHE_AHEAD_DAYS: int(1, 60).default(7),
  PUSH_CRON: z.string().default('* * * * *'),
  PUSH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  PUSH_BACKOFF_MS: int(100, 3600_000).default(30_000),
  PUSH_MAX_BACKOFF_MS: int(100, 24 * 3600_000).default(3600_000),
  PUSH_RETRY_HOURS: num(0.001, 24 * 30).default(26),
  PUSH_CONCURRENCY: int(1, 500).default(20),

  MATCH_TOLERANCE_SEC: int(0, 24 * 3600).default(15 * 60),
  MISSED_GRACE_SEC: int(0, 7 * 24 * 3600).default(3600),
  CLOCK_SKEW_SEC: int(0, 24 * 3600).default(300),
  REBROADCAST_THRESHOLD: num(0.01, 1).default(0.9),
  TARGET_REBROADCASTS_PER_MONTH: int(0, 1000).default(3),
  TARGET_OWN_PROGRAMMES_PER_MONTH: int(0, 1000).default(1),
  REBROADCAST_SERIES: optionalText,
  RECONCILE_GRACE_SEC: int(0, 24 * 3600).default(30),

  // 3G carriers' NAT tables drop idle TCP flows after 30–60 s: a comment well inside that keeps the channel open.
  CHANNEL_HEARTBEAT_SEC: int(5, 25).default(20),
  DEVICE_HEARTBEAT_SEC: int(10, 3600).default(60),
  PRESENCE_CRON: z.string().default('*/15 * * * * *'),
  ALERT_CRON: z.string().default('* * * * *'),
  ALERT_OFFLINE_MIN: int(1, 7 * 24 * 60).default(30),
  ALERT_FILE_LEAD_MIN: int(1, 24 * 60).default(60),
  ALERT_WEBHOOK_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional()),
  ALERT_WEBHOOK_SECRET: optionalText.pipe(z.string().regex(/^whsec_[A-Za-z0-9+/=]{32,}$/, 'must be a Standard Webhooks secret: whsec_ and base64').optional()),

  // Text bulletins read aloud (eSpeak NG). auto: Debian's espeak-ng when installed, else the WebAssembly build.
  TTS_ENGINE: z.enum(['auto', 'wasm', 'espeak-ng'], { error: 'must be auto, wasm or espeak-ng' }).default('auto'),
  TTS_ESPEAK_PATH: optionalText,
  TTS_MAX_CHARS: int(1, 100_000).default(5000),
  // Words per minute; 150 is unhurried enough for loudspeakers on poles, where echo blurs fast speech.
  TTS_RATE: int(80, 300).default(150),
  TTS_ABBREVIATIONS_FILE: optionalText,

  // The printed compliance report (the usual form of a Vietnamese administrative report) and its PDF.
  REPORT_ISSUER: z.string().trim().min(1).max(200).default('Trung tâm Văn hóa - Thông tin'),
  REPORT_ISSUER_PARENT: optionalText.pipe(z.string().max(200).optional()),
  REPORT_PLACE: optionalText.pipe(z.string().max(100).optional()),
  REPORT_SIGNER_TITLE: z.string().trim().min(1).max(100).default('Giám đốc'),
  // Debian's package; the PDF download answers 503 when no browser is there.
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  REPORT_PDF_TIMEOUT_MS: int(1000, 300_000).default(30_000),
});

export interface Config {
  readonly role: Role;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly publicUrl?: string;
    /** Express's "trust proxy": false, a hop count, or the addresses/ranges of the proxies in front. */
    readonly trustProxy: false | number | readonly string[];
    /** Time to receive a request's headers. */
    readonly headersTimeoutSec: number;
    /** Time without a byte while a request body is still arriving; the connection is then closed. */
    readonly bodyIdleTimeoutSec: number;
    /** Time to receive a whole request, body included; 0: no limit. */
    readonly requestTimeoutSec: number;
  };
  readonly dataDir: string;
  readonly tmpDir: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly database: { readonly url?: string; readonly poolSize: number; readonly embeddedDir: string };
  readonly redis: { readonly url: string; readonly prefix: string };
  readonly s3: {
    readonly endpoint?: string;
    /** Where browsers reach the storage (presigned links); the endpoint when unset. */
    readonly publicEndpoint?: string;
    readonly region: string;
    readonly bucket: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly forcePathStyle: boolean;
    readonly embedded: boolean;
    readonly embeddedDir: string;
    readonly embeddedPort: number;
    readonly presignTtlSec: number;
    /** multipart: bounded buffers, any S3; stream: one chunked PUT, for stores that take an unknown length. */
    readonly uploadMode: 'multipart' | 'stream';
  };
  readonly adminToken?: string;
  readonly upload: {
    readonly maxBytes: number;
    /** Resumable uploads: how long an unfinished one is kept, and when expired ones are swept. */
    readonly expirySec: number;
    readonly sweepCron: string;
    /** Objects without an episode row: removed when older than graceSec, looked for on orphanSweepCron. */
    readonly orphanGraceSec: number;
    readonly orphanSweepCron: string;
    /** Free space the embedded storage leaves under DATA_DIR; below it uploads get 507 and /readyz says why. */
    readonly diskReserveBytes: number;
  };
  readonly media: {
    readonly minDurationSec: number;
    readonly maxDurationSec: number;
    readonly loudnessTargetLufs: number;
    readonly truePeakMaxDbtp: number;
    readonly mp3BitrateKbps: number;
    readonly opusBitrateKbps: number;
    readonly silenceThresholdDb: number;
    readonly silenceTrimMinSec: number;
    readonly silenceKeepSec: number;
    readonly ffmpegPath?: string;
    readonly ffprobePath?: string;
    readonly timeoutSec: number;
    /** Which episodes get the side-by-side encoders. */
    readonly parallelEncoders: 'urgent' | 'all' | 'none';
  };
  readonly distribution: {
    readonly quietStart: string;
    readonly quietEnd: string;
    readonly maxSessionMin: number;
    readonly cacheAheadDays: number;
    readonly pushCron: string;
    readonly pushTimeoutMs: number;
    readonly pushBackoffMs: number;
    readonly pushMaxBackoffMs: number;
    readonly pushRetryHours: number;
    readonly pushConcurrency: number;
  };
  readonly tracking: {
    readonly matchToleranceSec: number;
    readonly missedGraceSec: number;
    readonly clockSkewSec: number;
    readonly rebroadcastThreshold: number;
    readonly targets: { readonly rebroadcastsPerMonth: number; readonly ownProgrammesPerMonth: number };
    /** Only episodes of these series count toward the rebroadcast target; all producer episodes when absent. */
    readonly series?: readonly string[];
  };
  /** The printed compliance report: who issues it, where, who signs; and the browser that renders its PDF. */
  readonly report: {
    readonly issuer: string;
    readonly issuerParent?: string;
    readonly place?: string;
    readonly signerTitle: string;
    readonly chromiumPath: string;
    readonly pdfTimeoutMs: number;
  };
  readonly jobs: {
    readonly transcodeConcurrency: number;
    readonly urgentTranscodeConcurrency: number;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly lockMs: number;
    readonly stalledIntervalMs: number;
    readonly maxStalled: number;
    readonly reconcileCron: string;
    readonly reconcileGraceSec: number;
  };
  /** The live channel and device presence. */
  readonly live: {
    /** SSE comment interval on every open channel. */
    readonly channelHeartbeatSec: number;
    /** How often agents send a heartbeat; a device is offline after two intervals without a sign of life. */
    readonly deviceHeartbeatSec: number;
    readonly presenceCron: string;
  };
  readonly alerts: {
    readonly cron: string;
    /** A device offline longer than this raises an alert. */
    readonly offlineMin: number;
    /** An airing whose file is not on a device this long before air raises an alert. */
    readonly fileLeadMin: number;
    /** Where alerts are sent as Standard Webhooks events (none when unset). */
    readonly webhookUrl?: string;
    readonly webhookSecret?: string;
  };
  /** Text bulletins read aloud. */
  readonly tts: {
    readonly engine: 'auto' | 'wasm' | 'espeak-ng';
    /** Debian's espeak-ng binary; looked up on PATH when unset. */
    readonly espeakPath?: string;
    readonly maxChars: number;
    /** Words per minute when a bulletin names none. */
    readonly rate: number;
    /** A JSON object of extra abbreviations ({"UBND": "uỷ ban nhân dân"}) on top of the built-in table. */
    readonly abbreviationsFile?: string;
  };
}

const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustProxy(v: string): boolean {
  if (v === 'false' || /^([1-9]|10)$/.test(v)) return true;
  return v.split(',').every((item) => {
    const x = item.trim();
    if (TRUST_NAMES.has(x)) return true;
    const [addr = '', bits, ...rest] = x.split('/');
    const family = net.isIP(addr);
    if (family === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
}

function parseTrustProxy(v: string | undefined): false | number | string[] {
  if (v === undefined || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((x) => x.trim());
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses the environment; throws ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const source: Record<string, string | undefined> = { ...env, ...overrides };
  // Empty (or blank) strings mean "not set", as in most .env files.
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v.trim() === '') delete source[k];
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?');
      const got = source[key];
      return `${key}: ${i.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.EPISODE_MIN_DURATION_SEC >= e.EPISODE_MAX_DURATION_SEC) {
    throw new ConfigError('Invalid configuration:\n  EPISODE_MIN_DURATION_SEC: must be below EPISODE_MAX_DURATION_SEC');
  }
  if (e.HTTP_REQUEST_TIMEOUT_SEC > 0 && e.HTTP_HEADERS_TIMEOUT_SEC > e.HTTP_REQUEST_TIMEOUT_SEC) {
    throw new ConfigError('Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_SEC: must not exceed HTTP_REQUEST_TIMEOUT_SEC');
  }
  if (e.ALERT_WEBHOOK_URL && !e.ALERT_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  ALERT_WEBHOOK_SECRET: required with ALERT_WEBHOOK_URL (receivers must be able to verify alerts)');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return deepFreeze<Config>({
    role: e.ROLE,
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''), trustProxy: parseTrustProxy(e.TRUST_PROXY),
      headersTimeoutSec: e.HTTP_HEADERS_TIMEOUT_SEC,
      bodyIdleTimeoutSec: e.HTTP_BODY_IDLE_TIMEOUT_SEC,
      requestTimeoutSec: e.HTTP_REQUEST_TIMEOUT_SEC,
    },
    dataDir,
    tmpDir: path.resolve(e.TMP_DIR),
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, embeddedDir: path.join(dataDir, 'pglite') },
    redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX },
    s3: {
      endpoint: e.S3_ENDPOINT,
      publicEndpoint: e.S3_ENDPOINT === undefined ? undefined : (e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT).replace(/\/$/, ''),
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      embedded: e.S3_ENDPOINT === undefined,
      embeddedDir: path.join(dataDir, 's3'),
      embeddedPort: e.EMBEDDED_S3_PORT,
      presignTtlSec: e.PRESIGN_TTL_SEC,
      // The embedded server accepts a chunked PUT and is slow at multipart (it re-reads every part to assemble).
      uploadMode: e.S3_UPLOAD_MODE === 'auto' ? (e.S3_ENDPOINT === undefined ? 'stream' : 'multipart') : e.S3_UPLOAD_MODE,
    },
    adminToken: e.ADMIN_TOKEN,
    upload: {
      maxBytes: e.UPLOAD_MAX_BYTES,
      expirySec: e.UPLOAD_EXPIRY_SEC,
      sweepCron: e.UPLOAD_SWEEP_CRON,
      orphanGraceSec: e.ORPHAN_GRACE_SEC,
      orphanSweepCron: e.ORPHAN_SWEEP_CRON,
      diskReserveBytes: e.DISK_RESERVE_MB * 1024 * 1024,
    },
    media: {
      minDurationSec: e.EPISODE_MIN_DURATION_SEC,
      maxDurationSec: e.EPISODE_MAX_DURATION_SEC,
      loudnessTargetLufs: e.LOUDNESS_TARGET_LUFS,
      truePeakMaxDbtp: e.TRUE_PEAK_MAX_DBTP,
      mp3BitrateKbps: e.MP3_BITRATE_KBPS,
      opusBitrateKbps: e.OPUS_BITRATE_KBPS,
      silenceThresholdDb: e.SILENCE_THRESHOLD_DB,
      silenceTrimMinSec: e.SILENCE_TRIM_MIN_SEC,
      silenceKeepSec: e.SILENCE_KEEP_SEC,
      ffmpegPath: e.FFMPEG_PATH,
      ffprobePath: e.FFPROBE_PATH,
      timeoutSec: e.FFMPEG_TIMEOUT_SEC,
      parallelEncoders:
        e.MEDIA_PARALLEL_ENCODERS === 'true' ? 'all' : e.MEDIA_PARALLEL_ENCODERS === 'false' || os.availableParallelism() < 2 ? 'none' : 'urgent',
    },
    distribution: {
      quietStart: e.QUIET_HOURS_START,
      quietEnd: e.QUIET_HOURS_END,
      maxSessionMin: e.MAX_SESSION_MIN,
      cacheAheadDays: e.CACHE_AHEAD_DAYS,
      pushCron: e.PUSH_CRON,
      pushTimeoutMs: e.PUSH_TIMEOUT_MS,
      pushBackoffMs: e.PUSH_BACKOFF_MS,
      pushMaxBackoffMs: e.PUSH_MAX_BACKOFF_MS,
      pushRetryHours: e.PUSH_RETRY_HOURS,
      pushConcurrency: e.PUSH_CONCURRENCY,
    },
    tracking: {
      matchToleranceSec: e.MATCH_TOLERANCE_SEC,
      missedGraceSec: e.MISSED_GRACE_SEC,
      clockSkewSec: e.CLOCK_SKEW_SEC,
      rebroadcastThreshold: e.REBROADCAST_THRESHOLD,
      targets: { rebroadcastsPerMonth: e.TARGET_REBROADCASTS_PER_MONTH, ownProgrammesPerMonth: e.TARGET_OWN_PROGRAMMES_PER_MONTH },
      series: e.REBROADCAST_SERIES?.split(',').map((x) => x.trim()).filter(Boolean),
    },
    report: {
      issuer: e.REPORT_ISSUER,
      issuerParent: e.REPORT_ISSUER_PARENT,
      place: e.REPORT_PLACE,
      signerTitle: e.REPORT_SIGNER_TITLE,
      chromiumPath: e.CHROMIUM_PATH,
      pdfTimeoutMs: e.REPORT_PDF_TIMEOUT_MS,
    },
    jobs: {
      transcodeConcurrency: e.TRANSCODE_CONCURRENCY,
      urgentTranscodeConcurrency: e.URGENT_TRANSCODE_CONCURRENCY,
      attempts: e.JOB_ATTEMPTS,
      backoffMs: e.JOB_BACKOFF_MS,
      lockMs: e.JOB_LOCK_MS,
      stalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
      maxStalled: e.JOB_MAX_STALLED,
      reconcileCron: e.RECONCILE_CRON,
      reconcileGraceSec: e.RECONCILE_GRACE_SEC,
    },
    live: { channelHeartbeatSec: e.CHANNEL_HEARTBEAT_SEC, deviceHeartbeatSec: e.DEVICE_HEARTBEAT_SEC, presenceCron: e.PRESENCE_CRON },
    alerts: {
      cron: e.ALERT_CRON,
      offlineMin: e.ALERT_OFFLINE_MIN,
      fileLeadMin: e.ALERT_FILE_LEAD_MIN,
      webhookUrl: e.ALERT_WEBHOOK_URL,
      webhookSecret: e.ALERT_WEBHOOK_SECRET,
    },
    tts: {
      engine: e.TTS_ENGINE,
      espeakPath: e.TTS_ESPEAK_PATH,
      maxChars: e.TTS_MAX_CHARS,
      rate: e.TTS_RATE,
      abbreviationsFile: e.TTS_ABBREVIATIONS_FILE ? path.resolve(e.TTS_ABBREVIATIONS_FILE) : undefined,
    },
  });
}
