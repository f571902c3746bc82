import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';

const run = promisify(execFile);

/**
 * Emergencies first: one transcode worker (the default) busy with a long programme, another programme waiting behind
 * it, and an urgent bulletin still gets through at once on its own queue.
 */
describe('urgent transcodes overtake a long programme', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let longProgramme: string;
  const short = path.join(FIXTURES, 'speech-stereo-44k.wav');

  beforeAll(async () => {
    s3 = await startTestS3();
    // Twenty minutes of speech, made by repeating the mp3 fixture's frames: ~50× the bulletin's work, made in a blink.
    longProgramme = path.join(tempDir(), 'chuyen-doi-so-20-phut.mp3');
    const { ffmpeg } = resolveMediaBinaries({});
    await run(ffmpeg, ['-v', 'error', '-y', '-stream_loop', '-1', '-i', path.join(FIXTURES, 'speech-128k.mp3'), '-t', '1200', '-c', 'copy', longProgramme]);
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket }));
  });

  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  const episode = async (id: string) => (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`)).body;

  it('a bulletin uploaded with urgent=true is ready while the programme ahead of it is still transcoding', async () => {
    const long = await uploadFile(rt.url!, ADMIN_TOKEN, longProgramme, { title: 'Chuyên mục Chuyển đổi số tháng 12' });
    expect(long.status).toBe(202);
    expect(long.body.urgent).toBe(false);
    // The programme's job has started: the only normal worker is busy.
    await waitFor(async () => (await episode(long.body.id)).progress > 0, { timeoutMs: 60_000, what: 'the long programme to start' });
    const waiting = await uploadFile(rt.url!, ADMIN_TOKEN, short, { title: 'Chương trình xã Tân Phong' });
    const urgent = await uploadFile(rt.url!, ADMIN_TOKEN, short, { title: 'Bản tin khẩn: mưa lũ', urgent: 'true' });
    expect(urgent.status).toBe(202);
    expect(urgent.body.urgent).toBe(true);

    const ready = await waitFor(async () => {
      const e = await episode(urgent.body.id);
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 60_000, what: 'the urgent bulletin to be ready' });
    expect(ready.renditions.map((r: { name: string }) => r.name).sort()).toEqual(['mp3', 'opus']);
    // Behind it, in the normal queue, nothing moved: the programme is still at work and the other one still waits.
    const [l, w] = await Promise.all([episode(long.body.id), episode(waiting.body.id)]);
    expect(l.status).toBe('processing');
    expect(w.status).toBe('processing');
    expect(w.progress).toBe(0);
  });

  it('an emergency plan naming an episode that is still waiting moves it to the urgent queue', async () => {
    const queued = await uploadFile(rt.url!, ADMIN_TOKEN, short, { title: 'Thông báo khẩn của UBND xã' });
    expect(queued.body.urgent).toBe(false);
    const today = new Date().toISOString().slice(0, 10);
    const plan = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/plans', {
      episodeId: queued.body.id,
      stationIds: 'all',
      priority: 'emergency',
      from: today,
      to: today,
    });
    expect(plan.status).toBe(422);
    expect(plan.body.error.code).toBe('EPISODE_NOT_READY');
    expect(plan.body.error.message).toContain('ưu tiên');
    expect((await episode(queued.body.id)).urgent).toBe(true);
    await waitFor(async () => (await episode(queued.body.id)).status === 'ready', { timeoutMs: 60_000, what: 'the promoted episode to be ready' });
    // The first test's programme is twenty minutes long: the promoted episode did not wait for it.
    const programmes = (await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?status=processing')).body.items as { title: string }[];
    expect(programmes.map((p) => p.title)).toContain('Chuyên mục Chuyển đổi số tháng 12');
  });
});
