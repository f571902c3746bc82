/**
 * Set-up data for `bench:realtime`, written straight into the benchmark database and bucket (set-up is not what is
 * measured): stations with their first device ("Cụm loa 1", holding the token), and a ready episode whose mp3
 * rendition is a real file in the S3 bucket, so real agents can download, verify and play it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { runBinary } from '../lib/proc.js';

export const TZ = 'Asia/Ho_Chi_Minh';

export interface SeededStation {
  id: string;
  code: string;
  deviceId: string;
  token: string;
}

export async function seedStations(db: pg.Client, n: number): Promise<SeededStation[]> {
  const all: SeededStation[] = [];
  for (let i = 0; i < n; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, n - i) }, (_, k) => ({
      id: crypto.randomUUID(),
      code: String(10_000 + i + k),
      deviceId: crypto.randomUUID(),
      token: newToken('lxs'),
    }));
    await db.query(
      `INSERT INTO stations (id, code, name, timezone, webhook_secret)
       SELECT u.id, u.code, 'Đài truyền thanh xã ' || u.code, $3, 'whsec_' || md5(u.id::text)
         FROM unnest($1::uuid[], $2::text[]) AS u(id, code)`,
      [batch.map((s) => s.id), batch.map((s) => s.code), TZ],
    );
    await db.query(
      `INSERT INTO devices (id, station_id, name, token_hash, is_primary)
       SELECT u.id, u.station, 'Cụm loa 1', u.hash, true FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(id, station, hash)`,
      [batch.map((s) => s.deviceId), batch.map((s) => s.id), batch.map((s) => hashToken(s.token))],
    );
    all.push(...batch);
  }
  return all;
}

export async function audioDurationSec(file: string): Promise<number> {
  const { ffprobe } = resolveMediaBinaries({});
  const { stdout } = await runBinary(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { stdout: 'collect' });
  const sec = Number(stdout.trim());
  if (!Number.isFinite(sec) || sec <= 0) throw new Error(`ffprobe gave no duration for ${file}: ${stdout}`);
  return sec;
}

/**
 * A ready episode with an mp3 rendition: the file itself goes into the bucket under the rendition's key.
 * `declaredSec` overrides the probed length (simulated devices never play the file).
 */
export async function seedEpisode(db: pg.Client, s3: { endpoint: string; bucket: string }, file: string, title: string, declaredSec?: number): Promise<{ id: string; durationSec: number }> {
  const id = crypto.randomUUID();
  const bytes = fs.readFileSync(file);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  // A declared length stands in for a longer file where only the schedule matters (no device plays it).
  const durationSec = declaredSec ?? (await audioDurationSec(file));
  const key = `renditions/${id}/mp3`;
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: bytes, ContentType: 'audio/mpeg' }));
  } finally {
    client.destroy();
  }
  await db.query(
    `INSERT INTO episodes (id, title, language, status, progress, duration_sec, original_key, original_size_bytes, original_sha256, ready_at)
     VALUES ($1, $2, 'vi', 'ready', 100, $3, $4, $5, $6, now())`,
    [id, title, durationSec, `originals/${id}`, bytes.length, sha256],
  );
  await db.query(
    `INSERT INTO renditions (episode_id, name, object_key, format, codec, mime_type, bitrate_kbps, channels, sample_rate,
       duration_sec, size_bytes, sha256, integrated_lufs, true_peak_dbtp)
     VALUES ($1, 'mp3', $2, 'mp3', 'mp3', 'audio/mpeg', 128, 1, 44100, $3, $4, $5, -16, -1.5)`,
    [id, key, durationSec, bytes.length, sha256],
  );
  return { id, durationSec };
}
