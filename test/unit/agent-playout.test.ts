import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaCache } from '../../src/agent/cache.js';
import { parseAgentConfig, type AgentConfig } from '../../src/agent/config.js';
import { PlayJournal } from '../../src/agent/journal.js';
import type { AgentAiring, Priority } from '../../src/agent/manifest.js';
import { Playout } from '../../src/agent/playout.js';
import { waitFor } from '../helpers/env.js';

/**
 * The player loop with a real journal and cache on disk (the player is simulated, or a command that does not
 * exist): missed airings are journalled once with their reason, and a cancelled airing stops.
 */
describe('playout with the journal', () => {
  const dirs: string[] = [];
  const running: Playout[] = [];
  const journals: PlayJournal[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
    for (const j of journals.splice(0)) await j.close().catch(() => undefined);
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  const log = pino({ level: 'silent' });
  const content = Buffer.from('ID3 not really audio, but the cache only checks the hash');
  const sha = crypto.createHash('sha256').update(content).digest('hex');
  const file = `${sha}.mp3`;

  function configFor(dir: string, extra: string[] = []): AgentConfig {
    const r = parseAgentConfig(['--server', 'http://127.0.0.1:9', '--token', 'lxs_x', '--dir', dir, ...extra], {});
    if (r.help) throw new Error('help');
    return r.config;
  }

  const mk = (id: string, startMs: number, durMs: number, opts: { priority?: Priority; fileName?: string; playSec?: number } = {}): AgentAiring => ({
    id,
    episodeId: `ep-${id}`,
    title: `Bản tin ${id}`,
    startsAt: startMs,
    endsAt: startMs + durMs,
    startsAtLocal: new Date(startMs).toISOString(),
    priority: opts.priority ?? 'normal',
    media: { url: 'http://127.0.0.1:9/m.mp3', format: 'mp3', sizeBytes: content.length, sha256: opts.fileName ? 'f'.repeat(64) : sha, durationSec: opts.playSec ?? durMs / 1000 },
    file: opts.fileName ?? file,
  });

  async function setup(opts: { airings: AgentAiring[]; withFile?: boolean; dir?: string; player?: string; startedAt?: number }) {
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-playout-'));
    if (!opts.dir) dirs.push(dir);
    const cache = new MediaCache(dir, log);
    await cache.init();
    if (opts.withFile) fs.writeFileSync(cache.pathOf(file), content);
    await cache.scan();
    const journal = await PlayJournal.open(path.join(dir, 'journal'), log);
    journals.push(journal);
    const state = { airings: opts.airings, missedCalls: 0, ended: 0 };
    const playout = new Playout({
      config: configFor(dir, opts.player ? ['--player', opts.player] : []),
      log,
      journal,
      cache,
      airings: () => state.airings,
      agentStartedAt: opts.startedAt ?? Date.now(),
      onMissed: () => void state.missedCalls++,
      onCorruptFile: () => undefined,
      onPlayEnded: () => void state.ended++,
      onChange: () => undefined,
    });
    running.push(playout);
    playout.start();
    return { dir, cache, journal, playout, state };
  }

  const ends = (j: PlayJournal) => [...j.state.plays.values()].map((p) => p.end?.outcome ?? null);

  it('an airing that ended while the agent was not running is journalled as missed once, across restarts', async () => {
    const now = Date.now();
    const gone = mk('gone', now - 3_600_000, 60_000);
    const first = await setup({ airings: [gone], withFile: true });
    await waitFor(() => first.journal.state.missed.size === 1, { what: 'missed journalled' });
    const [rec] = [...first.journal.state.missed.values()];
    expect(rec).toMatchObject({ airingId: 'gone', episodeId: 'ep-gone', reason: 'not_running', startsAt: new Date(gone.startsAt).toISOString() });
    expect(first.state.missedCalls).toBe(1);
    expect(first.playout.missed[0]).toMatchObject({ airingId: 'gone', reason: 'not_running' });
    await first.playout.stop();
    await first.journal.close();

    // Restarted with the same saved schedule: nothing new is written.
    const second = await setup({ airings: [gone], withFile: true, dir: first.dir });
    await new Promise((r) => setTimeout(r, 300));
    expect(second.journal.state.missed.size).toBe(1);
    expect(second.state.missedCalls).toBe(0);
    const lines = fs.readFileSync(path.join(first.dir, 'journal', 'plays.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).t)).toEqual(['missed']);
  });

  it('an emergency whose file never arrived before its end is missed with "file_not_ready"', async () => {
    const now = Date.now();
    const e = mk('e1', now - 200, 1_000, { priority: 'emergency' });
    const { journal } = await setup({ airings: [e], withFile: false, startedAt: now - 10_000 });
    await waitFor(() => journal.state.missed.size === 1, { timeoutMs: 5_000, what: 'missed after the end' });
    const [rec] = [...journal.state.missed.values()];
    expect(rec!.reason).toBe('file_not_ready');
    // Decided once the end had passed, not before.
    expect(Date.parse(rec!.at)).toBeGreaterThanOrEqual(e.endsAt);
  });

  it('a player that cannot start makes the airing missed with "player_failed", and it is not retried', async () => {
    const now = Date.now();
    const a = mk('a1', now, 30_000);
    const { journal, state } = await setup({ airings: [a], withFile: true, player: '/nonexistent/loa-xa-player {file}' });
    await waitFor(() => journal.state.missed.size === 1, { what: 'missed journalled' });
    expect([...journal.state.missed.values()][0]!.reason).toBe('player_failed');
    expect(ends(journal)).toEqual(['not_started']);
    await new Promise((r) => setTimeout(r, 300));
    expect(journal.state.plays.size).toBe(1);
    expect(state.missedCalls).toBe(1);
  });

  it('stops the play when a newer manifest drops its airing before the scheduled end', async () => {
    const now = Date.now();
    const a = mk('a1', now, 30_000);
    const { journal, playout, state } = await setup({ airings: [a], withFile: true });
    await waitFor(() => playout.nowPlaying?.airingId === 'a1', { what: 'playing' });
    state.airings = [mk('b1', now + 3_600_000, 60_000)];
    playout.evaluate();
    await waitFor(() => ends(journal)[0] === 'stopped', { what: 'stopped' });
    expect(playout.nowPlaying).toBeNull();
    expect(journal.state.missed.size).toBe(0);
  });

  it('leaves an overrun past the scheduled end alone when the manifest drops the airing', async () => {
    const now = Date.now();
    // Scheduled for 0.4 s, the file lasts 1.5 s.
    const a = mk('a1', now, 400, { playSec: 1.5 });
    const { journal, playout, state } = await setup({ airings: [a], withFile: true });
    await waitFor(() => playout.nowPlaying?.airingId === 'a1', { what: 'playing' });
    await waitFor(() => Date.now() > a.endsAt + 100, { what: 'past the scheduled end' });
    state.airings = [];
    playout.evaluate();
    await new Promise((r) => setTimeout(r, 200));
    expect(playout.nowPlaying?.airingId).toBe('a1');
    await waitFor(() => ends(journal)[0] !== null, { what: 'ended' });
    expect(ends(journal)).toEqual(['completed']);
  });

  it('a "stop" from the service ends the play as stopped, and the airing is not started again', async () => {
    const now = Date.now();
    const e = mk('e1', now, 30_000, { priority: 'emergency' });
    const { journal, playout, state } = await setup({ airings: [e], withFile: true });
    await waitFor(() => playout.nowPlaying?.airingId === 'e1', { what: 'playing' });
    expect(playout.stopAirings(['e1', 'other'])).toBe(true);
    await waitFor(() => ends(journal)[0] === 'stopped', { what: 'stopped' });
    playout.evaluate();
    await new Promise((r) => setTimeout(r, 200));
    expect(journal.state.plays.size).toBe(1);
    expect(state.ended).toBe(1);
    // Stopped airings are not reported missed either.
    expect(journal.state.missed.size).toBe(0);
  });
});
