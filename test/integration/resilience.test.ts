import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, REDIS_URL, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('nothing is lost: Redis down during upload', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let proxy: TcpProxy;

  beforeAll(async () => {
    s3 = await startTestS3();
    const redis = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { REDIS_URL: proxy.url('redis') } }));
  });
  afterAll(async () => {
    proxy?.up();
    await rt?.close();
    await proxy?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('accepts the upload while Redis is unreachable and processes it once Redis is back', async () => {
    proxy.down();
    await waitFor(async () => (await api(rt.url!, null, 'GET', '/readyz')).status === 503, { what: 'readyz to report Redis down' });
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-phone.m4a'), { title: 'Mất kết nối Redis' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    // Still stored and recorded while the queue is away.
    expect(await rt.store.head(`originals/${id}`)).not.toBeNull();
    expect((await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`)).body.status).toBe('processing');

    proxy.up();
    const ep = await waitFor(
      async () => {
        const r = await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`);
        return r.body.status === 'ready' ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: 'episode ready after Redis returned' },
    );
    expect(ep.renditions).toHaveLength(2);
  });
});

describe('nothing is lost: a worker killed mid-transcode', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let databaseUrl: string;
  const children: ChildProcess[] = [];

  const startWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ROLE: 'worker',
        DATABASE_URL: databaseUrl,
        REDIS_URL: rt.config.redis.url,
        QUEUE_PREFIX: rt.config.redis.prefix,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        DATA_DIR: rt.config.dataDir,
        TMP_DIR: rt.config.tmpDir,
        LOG_LEVEL: 'warn',
        JOB_LOCK_MS: '3000',
        JOB_STALLED_INTERVAL_MS: '1000',
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '200',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    databaseUrl = db.url;
    dropDb = db.drop;
    // This process serves the API and the scheduler; transcoding happens only in the child workers.
    const cfg = testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl });
    rt = await startRuntime({ ...cfg, role: 'api' });
  });
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  const episode = async (id: string) => (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`)).body;

  it('runs the job again in another worker and the episode ends ready', async () => {
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-stereo-44k.wav'), { title: 'Bị ngắt giữa chừng' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const first = startWorker();
    await waitFor(async () => (await episode(id)).progress > 0, { timeoutMs: 60_000, intervalMs: 20, what: 'progress from the first worker' });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect((await episode(id)).status).toBe('processing');

    startWorker();
    const ep = await waitFor(async () => {
      const e = await episode(id);
      return e.status !== 'processing' ? e : undefined;
    }, { timeoutMs: 90_000, what: 'episode to settle after the restart' });
    expect(ep.status).toBe('ready');
    expect(ep.renditions.map((r: { name: string }) => r.name).sort()).toEqual(['mp3', 'opus']);
  });

  it('re-running a finished job changes nothing', async () => {
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Chạy lại' });
    const id = res.body.id as string;
    startWorker();
    const ready = await waitFor(async () => {
      const e = await episode(id);
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 90_000, what: 'ready' });
    await rt.queues.clearFinished('transcode', { episodeId: id });
    await rt.queues.add('transcode', { episodeId: id });
    await waitFor(async () => (await rt.queues.state('transcode', { episodeId: id })) === 'completed', { what: 'second run to complete' });
    const again = await episode(id);
    expect(again.updatedAt).toBe(ready.updatedAt);
    expect(again.renditions).toEqual(ready.renditions);
    // Adding the same job while one exists is a no-op: deterministic job ids.
    await rt.queues.add('transcode', { episodeId: id });
    expect(await rt.queues.state('transcode', { episodeId: id })).toBe('completed');
  });
});
