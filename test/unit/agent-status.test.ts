import { describe, expect, it } from 'vitest';
import { buildStatus, statusSummary, type StatusInput } from '../../src/agent/status.js';
import { airing, sec } from '../helpers/agent-airings.js';

const a1 = airing('a1', 60, { file: 'a', size: 2000 });
const a2 = airing('a2', 3600, { file: 'b', size: 4000 });
const a3 = airing('a3', 7200, { file: 'c' });
const played = airing('a0', -30, { file: 'a' });

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  now: sec(0),
  agentStartedAt: new Date(sec(-100)),
  server: 'https://loaxa.example',
  player: null,
  manifest: { station: { id: 's', code: '01234', name: 'Tả Van', timezone: 'Asia/Ho_Chi_Minh' }, version: 'v9', airings: [played, a1, a2, a3] },
  manifestFetchedAt: new Date(sec(-5)),
  started: new Set(['a0']),
  lateStartMs: 600_000,
  isReady: (f) => f === a1.file,
  download: { name: a2.file, have: 1000, sizeBytes: 4000 },
  trouble: new Map([[a3.file, { attempts: 3, nextAt: sec(30), lastError: 'network: ECONNREFUSED' }]]),
  cache: { files: 1, bytes: 3000, capBytes: 10_000 },
  contact: { online: false, lastContactAt: new Date(sec(-50)), lastFailureAt: new Date(sec(-1)), lastFailure: 'ECONNREFUSED', clockOffsetSec: -90 },
  reports: { pending: 2, lastReportAt: null, lastError: 'reports: server unreachable', rejected: 0 },
  nowPlaying: null,
  recentPlays: [],
  missed: [],
  ...over,
});

describe('status', () => {
  it('says what plays next and whether each file is here', () => {
    const st = buildStatus(input());
    expect(st.nextAirings.map((n) => [n.airingId, n.fileState, n.inSec])).toEqual([
      ['a1', 'ready', 60],
      ['a2', 'downloading', 3600],
      ['a3', 'retrying', 7200],
    ]);
    expect(st.nextAirings[1]).toMatchObject({ downloadedPct: 25 });
    expect(st.nextAirings[2]).toMatchObject({ problem: 'network: ECONNREFUSED', attempts: 3 });
    expect(st.cache).toMatchObject({ neededFiles: 3, neededReady: 1 });
    expect(st.reports.pending).toBe(2);
    expect(st.link).toMatchObject({ online: false, lastContactAt: new Date(sec(-50)).toISOString(), clockWarning: "this station's clock is 90 s ahead of the server" });
    expect(st.manifest).toMatchObject({ version: 'v9', airings: 4 });
  });

  it('summarises for the log', () => {
    const s = statusSummary(buildStatus(input()));
    expect(s).toMatchObject({ upcoming: 3, filesReady: '1/3', pendingReports: 2, online: false, playing: false });
    expect(s.next).toContain('Chương trình a1 [ready]');
  });

  it('works before any manifest arrived', () => {
    const st = buildStatus(input({ manifest: null, manifestFetchedAt: null, download: null, trouble: new Map() }));
    expect(st.nextAirings).toEqual([]);
    expect(st.station).toBeNull();
    expect(statusSummary(st).next).toBeNull();
  });
});
