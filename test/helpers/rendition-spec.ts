import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './env.js';
import { inspectAudio } from './media-check.js';

/**
 * The quality bar every episode's renditions must clear (uploads and bulletins alike), measured with ffmpeg
 * independently of the service: bytes and checksum as listed, mono, the decoded length of the
 * source (nothing trimmed from speech), −16 LUFS ± 1 with true peak ≤ −1.5 dBTP, MP3 CBR 64 kbps 44.1 kHz, Ogg Opus
 * 48 kHz ≈ 24 kbps.
 */
export async function expectRenditionsMeetSpec(baseUrl: string, token: string, ep: any, sourceSec: number): Promise<void> {
  expect(ep.renditions.map((r: { name: string }) => r.name).sort()).toEqual(['mp3', 'opus']);
  const dir = tempDir();
  try {
    for (const r of ep.renditions) {
      const res = await fetch(`${baseUrl}${r.url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(r.sizeBytes);
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
      const file = path.join(dir, r.name);
      fs.writeFileSync(file, bytes);
      const facts = await inspectAudio(file);
      expect(facts.channels, r.name).toBe(1);
      expect(Math.abs(facts.decodedSec - sourceSec), `${r.name} decoded ${facts.decodedSec} s of ${sourceSec} s`).toBeLessThan(0.5);
      expect(Math.abs(facts.decodedSec - r.durationSec), r.name).toBeLessThan(0.05);
      expect(Math.abs(facts.integratedLufs - -16), `${r.name} at ${facts.integratedLufs} LUFS`).toBeLessThanOrEqual(1);
      expect(facts.truePeakDbtp, r.name).toBeLessThanOrEqual(-1.5);
      // What the service records is measured in the encode pass, on the signal both encoders receive; the codecs then
      // take off a few tenths (measured: mp3 at 64 kbps about 0.4 LU, opus about 0.2): at most 0.6 below, 0.1 above.
      const recorded = `${r.name}: measured ${facts.integratedLufs}, recorded ${r.loudness.integratedLufs} LUFS`;
      expect(facts.integratedLufs, recorded).toBeLessThanOrEqual(r.loudness.integratedLufs + 0.1);
      expect(r.loudness.integratedLufs - facts.integratedLufs, recorded).toBeLessThanOrEqual(0.6);
      if (r.name === 'mp3') {
        expect(facts.codec).toBe('mp3');
        expect(facts.sampleRate).toBe(44100);
        expect(facts.bitRate).toBe(64000);
        // CBR: every frame the same size, so size ≈ bitrate × duration.
        expect(Math.abs(r.sizeBytes - (64000 / 8) * facts.decodedSec)).toBeLessThan(2000);
      } else {
        expect(facts.codec).toBe('opus');
        expect(facts.formatName).toBe('ogg');
        expect(facts.sampleRate).toBe(48000);
        const kbps = (r.sizeBytes * 8) / facts.decodedSec / 1000;
        expect(kbps).toBeGreaterThan(16);
        expect(kbps).toBeLessThan(34);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
