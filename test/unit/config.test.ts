import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';

/** Loads from an empty environment (never the test process's), plus the given settings. */
const load = (overrides: Record<string, string> = {}): Config => loadConfig({}, overrides);

/** The ConfigError thrown for these settings. */
function configError(overrides: Record<string, string>): ConfigError {
  try {
    load(overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(overrides)}`);
}

function isDeeplyFrozen(value: unknown): boolean {
  if (!value || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe('loadConfig defaults', () => {
  const cfg = load();

  it('listens on 8080 on all interfaces, in the all-in-one role', () => {
    expect(cfg.http.port).toBe(8080);
    expect(cfg.http.host).toBe('0.0.0.0');
    expect(cfg.http.publicUrl).toBeUndefined();
    expect(cfg.role).toBe('all');
  });

  it('resolves DATA_DIR ./data to an absolute path, with the embedded stores under it', () => {
    expect(path.isAbsolute(cfg.dataDir)).toBe(true);
    expect(cfg.dataDir).toBe(path.resolve('data'));
    expect(cfg.database.embeddedDir).toBe(path.join(cfg.dataDir, 'pglite'));
    expect(cfg.s3.embeddedDir).toBe(path.join(cfg.dataDir, 's3'));
    expect(path.isAbsolute(cfg.tmpDir)).toBe(true);
  });

  it('uses the local Redis and embedded PostgreSQL', () => {
    expect(cfg.redis.url).toBe('redis://127.0.0.1:6379');
    expect(cfg.redis.prefix).toBe('loaxa');
    expect(cfg.database.url).toBeUndefined();
  });

  it('uses an embedded S3 when S3_ENDPOINT is unset', () => {
    expect(cfg.s3.endpoint).toBeUndefined();
    expect(cfg.s3.embedded).toBe(true);
    expect(cfg.s3.bucket).toBe('loa-xa');
    expect(cfg.s3.forcePathStyle).toBe(true);
  });

  it('limits uploads to 1 GiB', () => {
    expect(cfg.upload.maxBytes).toBe(1024 ** 3);
  });

  it('normalises to -16 LUFS with a -1.5 dBTP ceiling, into 64 kbps mp3 and 24 kbps opus', () => {
    expect(cfg.media.loudnessTargetLufs).toBe(-16);
    expect(cfg.media.truePeakMaxDbtp).toBe(-1.5);
    expect(cfg.media.mp3BitrateKbps).toBe(64);
    expect(cfg.media.opusBitrateKbps).toBe(24);
    expect(cfg.media.minDurationSec).toBeLessThan(cfg.media.maxDurationSec);
  });

  it('has no admin token unless one is set', () => {
    expect(cfg.adminToken).toBeUndefined();
  });
});

describe('loadConfig settings', () => {
  it('reads values from the environment, with overrides winning', () => {
    const cfg = loadConfig({ PORT: '3000', REDIS_URL: 'redis://env:6379' }, { PORT: '4000' });
    expect(cfg.http.port).toBe(4000);
    expect(cfg.redis.url).toBe('redis://env:6379');
  });

  it('uses an external S3 when S3_ENDPOINT is set', () => {
    const cfg = load({ S3_ENDPOINT: 'https://s3.example.vn', S3_BUCKET: 'dai-phat-thanh' });
    expect(cfg.s3.embedded).toBe(false);
    expect(cfg.s3.endpoint).toBe('https://s3.example.vn');
    expect(cfg.s3.bucket).toBe('dai-phat-thanh');
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(load({ PUBLIC_URL: 'https://radio.example.vn/' }).http.publicUrl).toBe('https://radio.example.vn');
  });

  it('accepts rediss:// and a long enough admin token', () => {
    const cfg = load({ REDIS_URL: 'rediss://cache:6380', ADMIN_TOKEN: '0123456789abcdef' });
    expect(cfg.redis.url).toBe('rediss://cache:6380');
    expect(cfg.adminToken).toBe('0123456789abcdef');
  });

  it('parses booleans', () => {
    expect(load({ S3_FORCE_PATH_STYLE: 'false' }).s3.forcePathStyle).toBe(false);
    expect(load({ S3_FORCE_PATH_STYLE: '0' }).s3.forcePathStyle).toBe(false);
    expect(load({ S3_FORCE_PATH_STYLE: 'yes' }).s3.forcePathStyle).toBe(true);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(load({ DATA_DIR: 'var/loaxa' }).dataDir).toBe(path.resolve('var/loaxa'));
  });

  it('treats empty strings as unset', () => {
    const cfg = loadConfig(
      { PORT: '', DATA_DIR: '', REDIS_URL: '', S3_ENDPOINT: '', S3_BUCKET: '', ADMIN_TOKEN: '', MP3_BITRATE_KBPS: '' },
      { UPLOAD_MAX_BYTES: '', DATABASE_URL: '' },
    );
    expect(cfg.http.port).toBe(8080);
    expect(cfg.dataDir).toBe(path.resolve('data'));
    expect(cfg.redis.url).toBe('redis://127.0.0.1:6379');
    expect(cfg.s3.embedded).toBe(true);
    expect(cfg.s3.bucket).toBe('loa-xa');
    expect(cfg.adminToken).toBeUndefined();
    expect(cfg.media.mp3BitrateKbps).toBe(64);
    expect(cfg.upload.maxBytes).toBe(1024 ** 3);
    expect(cfg.database.url).toBeUndefined();
  });

  it('lets an empty override unset a value from the environment', () => {
    expect(loadConfig({ PORT: '3000' }, { PORT: '' }).http.port).toBe(8080);
  });
});

describe('loadConfig result is deeply frozen', () => {
  const cfg = load();

  it('freezes every level', () => {
    expect(isDeeplyFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.media)).toBe(true);
  });

  it('throws on mutation', () => {
    expect(() => {
      (cfg as { dataDir: string }).dataDir = '/elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (cfg.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(cfg.http.port).toBe(8080);
  });
});

describe('loadConfig rejects bad values, naming the setting', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['PORT out of range', { PORT: '70000' }, 'PORT'],
    ['PORT not whole', { PORT: '80.5' }, 'PORT'],
    ['REDIS_URL=http://x', { REDIS_URL: 'http://x' }, 'REDIS_URL'],
    ['S3_BUCKET=Upper_Case', { S3_BUCKET: 'Upper_Case' }, 'S3_BUCKET'],
    ['S3_ENDPOINT not a URL', { S3_ENDPOINT: 's3.example.vn' }, 'S3_ENDPOINT'],
    ['ADMIN_TOKEN too short', { ADMIN_TOKEN: 'short-token' }, 'ADMIN_TOKEN'],
    ['MP3_BITRATE_KBPS=65', { MP3_BITRATE_KBPS: '65' }, 'MP3_BITRATE_KBPS'],
    ['DATABASE_URL not postgres', { DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    ['ROLE unknown', { ROLE: 'web' }, 'ROLE'],
    ['S3_FORCE_PATH_STYLE not a boolean', { S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE'],
    ['LOUDNESS_TARGET_LUFS positive', { LOUDNESS_TARGET_LUFS: '3' }, 'LOUDNESS_TARGET_LUFS'],
  ];
  for (const [what, overrides, key] of cases) {
    it(what, () => {
      const err = configError(overrides);
      expect(err.name).toBe('ConfigError');
      expect(err.message).toContain(`${key}:`);
    });
  }

  it('shows the offending value', () => {
    expect(configError({ PORT: 'abc' }).message).toContain('"abc"');
  });

  it('names every bad setting at once', () => {
    const msg = configError({ PORT: 'abc', REDIS_URL: 'http://x', MP3_BITRATE_KBPS: '65' }).message;
    expect(msg).toContain('PORT:');
    expect(msg).toContain('REDIS_URL:');
    expect(msg).toContain('MP3_BITRATE_KBPS:');
  });

  it('rejects EPISODE_MIN_DURATION_SEC ≥ EPISODE_MAX_DURATION_SEC', () => {
    expect(configError({ EPISODE_MIN_DURATION_SEC: '60', EPISODE_MAX_DURATION_SEC: '60' }).message).toContain(
      'EPISODE_MIN_DURATION_SEC',
    );
    expect(configError({ EPISODE_MIN_DURATION_SEC: '120', EPISODE_MAX_DURATION_SEC: '60' }).message).toContain(
      'EPISODE_MAX_DURATION_SEC',
    );
    expect(load({ EPISODE_MIN_DURATION_SEC: '59', EPISODE_MAX_DURATION_SEC: '60' }).media.minDurationSec).toBe(59);
  });

  it('accepts every MPEG-1 Layer III bitrate it lists', () => {
    for (const kbps of [32, 64, 128, 192]) expect(load({ MP3_BITRATE_KBPS: String(kbps) }).media.mp3BitrateKbps).toBe(kbps);
  });
});
