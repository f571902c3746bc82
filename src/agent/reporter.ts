import type { Logger } from 'pino';
import { backoffDelay } from './backoff.js';
import type { AgentConfig } from './config.js';
import type { Contact } from './contact.js';
import { errorCode, NetworkError, requestJson } from './http.js';
import type { PlayJournal } from './journal.js';
import type { AckRecord } from './journal-fold.js';
import { interpretResults, toReport } from './report-batch.js';

const IDLE_RECHECK_MS = 10 * 60_000;

/**
 * Uploads ended plays from the journal to `POST /api/v1/station/plays` in batches. A verdict is written to the
 * acks journal only after the server answered; until then the play stays pending and is sent again with the same
 * eventId. Accepted and duplicate are done; rejected is done too (it would be rejected forever) but logged loudly.
 */
export class Reporter {
  private failures = 0;
  lastReportAt: Date | null = null;
  lastError: string | null = null;
  lastErrorAt: Date | null = null;
  rejected = 0;
  private batchSize: number;

  constructor(
    private readonly deps: { config: AgentConfig; log: Logger; journal: PlayJournal; contact: Contact; onChange: () => void },
  ) {
    this.batchSize = deps.config.reportBatch;
  }

  pendingCount(): number {
    return this.deps.journal.pending().length;
  }

  /** One round: sends batches until nothing is pending or something fails; returns the wait before the next round. */
  async reportOnce(): Promise<number> {
    const { config, log, journal, contact } = this.deps;
    for (;;) {
      const pending = journal.pending();
      if (pending.length === 0) {
        this.failures = 0;
        return IDLE_RECHECK_MS;
      }
      const batch = pending.slice(0, this.batchSize).map(toReport);
      const sentAt = Date.now();
      let res;
      try {
        res = await requestJson(`${config.server}/api/v1/station/plays`, {
          method: 'POST',
          headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ plays: batch }),
          timeoutMs: config.httpTimeoutSec * 1000,
        });
      } catch (err) {
        const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : String(err);
        contact.failed(message, Date.now());
        return this.retry(`reports: server unreachable (${message})`, pending.length);
      }
      contact.answered(typeof res.headers.date === 'string' ? res.headers.date : undefined, sentAt, Date.now());
      if (res.status === 413 && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        log.warn({ batchSize: this.batchSize }, 'reports: batch too large for the server; sending smaller ones');
        continue;
      }
      if (res.status !== 200) {
        const code = errorCode(res.json);
        const what = res.status === 401 || res.status === 403 ? 'the server refuses this station token' : 'the server did not take the batch';
        return this.retry(`reports: ${what} (HTTP ${res.status}${code ? ` ${code}` : ''})`, pending.length, res.status < 500 && res.status !== 429 ? 'error' : 'warn');
      }
      const r = interpretResults(batch, res.json);
      const at = new Date().toISOString();
      const acks: AckRecord[] = r.verdicts.map((v) => ({ ...v, at }));
      await journal.ack(acks);
      for (const v of r.verdicts) {
        if (v.status !== 'rejected') continue;
        this.rejected++;
        const play = journal.state.plays.get(v.eventId);
        const missed = journal.state.missed.get(v.eventId);
        log.error(
          { eventId: v.eventId, reason: v.reason, message: v.message, airingId: play?.start.airingId ?? missed?.airingId, startedAt: play?.start.startedAt ?? missed?.startsAt, outcome: missed ? 'missed' : 'played' },
          'reports: the server REJECTED a play; it will not be sent again — check the station clock and schedule',
        );
      }
      const accepted = r.verdicts.filter((v) => v.status === 'accepted').length;
      const duplicate = r.verdicts.filter((v) => v.status === 'duplicate').length;
      const missedSent = batch.filter((b) => b.outcome === 'missed').length;
      log.info({ sent: batch.length, missed: missedSent, accepted, duplicate, rejected: r.verdicts.length - accepted - duplicate, left: journal.pending().length }, 'reports: batch answered');
      this.lastReportAt = new Date();
      this.deps.onChange();
      if (r.problem || r.unanswered.length > 0) {
        return this.retry(`reports: the answer did not settle every event (${r.problem ?? `${r.unanswered.length} unanswered`})`, r.unanswered.length);
      }
      this.failures = 0;
      this.lastError = null;
    }
  }

  private retry(message: string, pending: number, level: 'warn' | 'error' = 'warn'): number {
    this.failures++;
    this.lastError = message;
    this.lastErrorAt = new Date();
    const delay = backoffDelay(this.failures, { baseMs: 2_000, maxMs: 10 * 60_000 });
    const loud = this.failures === 1 || this.failures % 10 === 0 || level === 'error';
    this.deps.log[loud ? level : 'debug']({ attempt: this.failures, pending, retryInMs: delay }, message);
    this.deps.onChange();
    return delay;
  }
}
