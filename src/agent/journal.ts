import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from './fsx.js';
import {
  applyAck,
  applyPlayRecord,
  compactJournal,
  crashEnd,
  foldJournal,
  openPlays,
  pendingAll,
  type AckRecord,
  type EndRecord,
  type JournalState,
  type MissedRecord,
  type PendingReport,
  type PlayRecord,
  type StartRecord,
} from './journal-fold.js';

const COMPACT_OVER_BYTES = 1024 * 1024;
// Longer than the manifest's cache-ahead window, so a play of an airing still listed is never forgotten.
const KEEP_SETTLED_MS = 14 * 86_400_000;

/**
 * The play journal on disk: every record is appended and fsynced before the call returns, so what the journal
 * says happened did happen. Writes are serialised; the in-memory state is the fold of everything written.
 */
export class PlayJournal {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly playsFile: fsp.FileHandle,
    private readonly acksFile: fsp.FileHandle,
    readonly state: JournalState,
  ) {}

  static async open(dir: string, log: Logger, now = new Date()): Promise<PlayJournal> {
    await fsp.mkdir(dir, { recursive: true });
    const playsPath = path.join(dir, 'plays.jsonl');
    const acksPath = path.join(dir, 'acks.jsonl');
    const [playsText, acksText] = await Promise.all([readOrEmpty(playsPath), readOrEmpty(acksPath)]);
    let state = foldJournal(playsText, acksText);
    if (state.badLines > 0) log.warn({ badLines: state.badLines }, 'journal: skipped unreadable lines (a write cut short by a power loss?)');
    if (playsText.length + acksText.length > COMPACT_OVER_BYTES) {
      const compacted = compactJournal(state, now.getTime(), KEEP_SETTLED_MS);
      await writeFileAtomic(playsPath, compacted.plays.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await writeFileAtomic(acksPath, compacted.acks.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const before = state.plays.size;
      state = foldJournal(await readOrEmpty(playsPath), await readOrEmpty(acksPath));
      log.info({ before, after: state.plays.size }, 'journal compacted');
    }
    const journal = new PlayJournal(await openForAppend(playsPath), await openForAppend(acksPath), state);
    // Plays the agent was in when it last died: close them with what is known, so they get reported.
    for (const p of openPlays(state)) {
      const end = crashEnd(p, now);
      log.warn({ eventId: p.start.eventId, airingId: p.start.airingId, playedSec: end.durationSec }, 'play interrupted by an agent restart; reporting what is known');
      await journal.append(end);
    }
    return journal;
  }

  async start(rec: Omit<StartRecord, 't'>): Promise<void> {
    await this.append({ t: 'start', ...rec });
  }

  async progress(eventId: string, playedSec: number): Promise<void> {
    await this.append({ t: 'progress', eventId, playedSec: Math.round(playedSec * 1000) / 1000 });
  }

  async end(rec: Omit<EndRecord, 't'>): Promise<void> {
    await this.append({ t: 'end', ...rec });
  }

  /**
   * Writes that an airing was missed, unless it already is (returns false then). The check runs in the write
   * queue, so two callers deciding at once still write one record.
   */
  async missed(rec: Omit<MissedRecord, 't'>): Promise<boolean> {
    return this.serial(async () => {
      if (this.state.missedAirings.has(rec.airingId)) return false;
      const full: MissedRecord = { t: 'missed', ...rec };
      await this.playsFile.appendFile(`${JSON.stringify(full)}\n`);
      await this.playsFile.datasync();
      applyPlayRecord(this.state, full);
      return true;
    });
  }

  async ack(acks: readonly AckRecord[]): Promise<void> {
    if (acks.length === 0) return;
    await this.serial(async () => {
      await this.acksFile.appendFile(acks.map((a) => `${JSON.stringify(a)}\n`).join(''));
      await this.acksFile.datasync();
      for (const a of acks) applyAck(this.state, a);
    });
  }

  pending(): PendingReport[] {
    return pendingAll(this.state);
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.all([this.playsFile.close(), this.acksFile.close()]);
  }

  private async append(rec: PlayRecord): Promise<void> {
    await this.serial(async () => {
      await this.playsFile.appendFile(`${JSON.stringify(rec)}\n`);
      await this.playsFile.datasync();
      applyPlayRecord(this.state, rec);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Opens for appending; a torn last line gets its newline first, so the next record is not glued onto it. */
async function openForAppend(file: string): Promise<fsp.FileHandle> {
  const fh = await fsp.open(file, 'a+');
  const { size } = await fh.stat();
  if (size > 0) {
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) {
      await fh.appendFile('\n');
      await fh.datasync();
    }
  }
  return fh;
}
