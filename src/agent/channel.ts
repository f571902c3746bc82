import type { IncomingMessage } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CHANNEL_EVENT_TYPES, type ChannelEvent, type ChannelEvents, type ChannelEventType, type FanoutState } from '../wire/station-protocol.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { Contact } from './contact.js';
import { errorCode, NetworkError, request } from './http.js';

/**
 * The live channel: one long-lived Server-Sent Events connection to the service, over which it says "fetch the
 * manifest now", "play this emergency now" and "stop". It only ever nudges the poller and the player: everything
 * the agent plays still comes from the manifest, so a lost event costs at most one poll interval, never a play.
 */

/** Reconnects after a dropped channel: quick at first (a restarted API is back in seconds), then gentler. */
export const CHANNEL_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };
/** A refused token will not be accepted a second later: ask again in minutes, not seconds (3G data is paid for). */
export const CHANNEL_REFUSED_BACKOFF: BackoffPolicy = { baseMs: 5 * 60_000, maxMs: 30 * 60_000 };
/** The least silence taken as a dead link: 3G middleboxes drop idle flows without a reset, and the socket never knows. */
export const WATCHDOG_FLOOR_MS = 60_000;

/** How long the channel may stay silent before it is presumed dead: three missed server heartbeats, at least the floor. */
export function watchdogMs(heartbeatSec: number | null, floorMs = WATCHDOG_FLOOR_MS): number {
  return Math.max(3 * (heartbeatSec ?? 0) * 1000, floorMs);
}

const fanout = z.enum(['ok', 'degraded']);
const eventData = {
  hello: z.object({ deviceId: z.string(), stationId: z.string(), heartbeatSec: z.number().positive(), fanout, serverTime: z.string() }),
  // Only ever a nudge to poll: a missing reason is no reason to ignore it.
  manifest: z.object({ reason: z.string().catch('') }),
  'play-now': z.object({ playNowId: z.string(), airingId: z.string().min(1), episodeId: z.string(), startsAt: z.string(), endsAt: z.string() }),
  stop: z.object({ playNowId: z.string(), airingIds: z.array(z.string()).readonly() }),
  status: z.object({ fanout }),
  revoked: z.object({ deviceId: z.string() }),
} as const;

// The schemas and the wire contract must not drift apart: this stops the build when they do.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const wireChecks: { [K in ChannelEventType]: Same<z.output<(typeof eventData)[K]>, ChannelEvents[K]> } = {
  hello: true,
  manifest: true,
  'play-now': true,
  stop: true,
  status: true,
  revoked: true,
};
void wireChecks;

export type DecodedMessage =
  | { readonly kind: 'event'; readonly event: ChannelEvent }
  /** A type this agent does not know (a newer service): ignored, as the protocol asks. */
  | { readonly kind: 'ignored'; readonly type: string | undefined; readonly id?: string }
  | { readonly kind: 'malformed'; readonly type: string; readonly id?: string; readonly problem: string };

const isKnownType = (t: string | undefined): t is ChannelEventType => t !== undefined && (CHANNEL_EVENT_TYPES as readonly string[]).includes(t);

/** One parsed SSE message as a channel event, checked against the protocol. Pure. */
export function decodeChannelMessage(msg: EventSourceMessage): DecodedMessage {
  const id = msg.id === undefined || msg.id === '' ? undefined : msg.id;
  const type = msg.event;
  if (!isKnownType(type)) return { kind: 'ignored', type, ...(id ? { id } : {}) };
  let raw: unknown;
  try {
    raw = JSON.parse(msg.data);
  } catch {
    return { kind: 'malformed', type, ...(id ? { id } : {}), problem: `data is not JSON: ${JSON.stringify(msg.data.slice(0, 80))}` };
  }
  const r = eventData[type].safeParse(raw);
  if (!r.success) return { kind: 'malformed', type, ...(id ? { id } : {}), problem: r.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ') };
  return { kind: 'event', event: { type, ...(id ? { id } : {}), data: r.data } as ChannelEvent };
}

/** An SSE byte-stream reader that hands out decoded channel messages; comments (heartbeats) produce nothing. */
export function createChannelParser(onMessage: (m: DecodedMessage & { readonly rawId: string | undefined }) => void) {
  return createParser({
    // Field order is the service's business; an SSE stream may also carry lines this agent has no use for.
    onEvent: (msg) => onMessage({ ...decodeChannelMessage(msg), rawId: msg.id }),
  });
}

export interface ChannelOptions {
  readonly url: string;
  readonly token: string;
  readonly log: Logger;
  /** Time allowed to connect and get the answer's head. */
  readonly connectTimeoutMs: number;
  readonly contact?: Contact;
  readonly backoff?: BackoffPolicy;
  readonly refusedBackoff?: BackoffPolicy;
  readonly watchdogFloorMs?: number;
  readonly random?: () => number;
  /** Every well-formed event, after the channel has taken what it needs from it. */
  readonly onEvent: (e: ChannelEvent) => void;
  /** The channel opened (a `hello` arrived) or closed. */
  readonly onStateChange?: (open: boolean) => void;
}

type ConnectionEnd = { readonly gotHello: boolean; readonly refused: boolean };

export class LiveChannel {
  /** True from a `hello` until the connection ends. */
  open = false;
  fanout: FanoutState | null = null;
  heartbeatSec: number | null = null;
  /** The id of the last event seen, sent back as Last-Event-ID so the service replays what was missed. */
  lastEventId: string | null = null;
  openedAt: Date | null = null;
  connections = 0;
  /** Why the channel is not open, when it is not (for the status file). */
  lastProblem: string | null = null;
  private failures = 0;
  private refusals = 0;
  private stopped = true;
  private abort: AbortController | null = null;
  private response: IncomingMessage | null = null;
  private wakeSleep: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly opts: ChannelOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.response?.destroy();
    this.wakeSleep?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { log } = this.opts;
    while (!this.stopped) {
      const end = await this.connectOnce();
      if (this.stopped) break;
      // A connection that said hello was a working one: what follows is a new outage, counted from the start.
      if (end.gotHello) this.failures = this.refusals = 0;
      const delay = end.refused
        ? backoffDelay(++this.refusals, this.opts.refusedBackoff ?? CHANNEL_REFUSED_BACKOFF, this.opts.random)
        : backoffDelay(++this.failures, this.opts.backoff ?? CHANNEL_BACKOFF, this.opts.random);
      log.debug({ retryInMs: delay, attempt: end.refused ? this.refusals : this.failures }, 'channel: reconnecting after a pause');
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = () => {
        this.wakeSleep = null;
        done();
      };
    });
  }

  private async connectOnce(): Promise<ConnectionEnd> {
    const { log, contact } = this.opts;
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}`, accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (this.lastEventId !== null) headers['last-event-id'] = this.lastEventId;
    this.abort = new AbortController();
    this.connections++;
    const sentAt = Date.now();
    let res: IncomingMessage;
    try {
      res = await request(this.opts.url, { headers, timeoutMs: this.opts.connectTimeoutMs, signal: this.abort.signal });
    } catch (err) {
      const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : String(err);
      this.lastProblem = `unreachable (${message})`;
      if (err instanceof NetworkError && !this.stopped) contact?.failed(message, Date.now());
      if (!this.stopped) log[this.failures === 0 ? 'warn' : 'debug']({ attempt: this.failures + 1, lastEventId: this.lastEventId }, `channel: cannot connect (${message})`);
      return { gotHello: false, refused: false };
    }
    contact?.answered(typeof res.headers.date === 'string' ? res.headers.date : undefined, sentAt, Date.now());
    const status = res.statusCode ?? 0;
    const type = String(res.headers['content-type'] ?? '');
    if (status !== 200 || !type.startsWith('text/event-stream')) {
      const code = await drainCode(res);
      if (status === 401 || status === 403 || status === 404) {
        this.lastProblem = `refused (HTTP ${status}${code ? ` ${code}` : ''})`;
        const why =
          status === 404 ? 'this server has no live channel (an older version?); polling only' : 'the server refuses this device token — was it revoked or rotated? Polling is refused too';
        log.error({ status, code, attempt: this.refusals + 1 }, `channel: ${why}`);
        return { gotHello: false, refused: true };
      }
      this.lastProblem = `HTTP ${status}${code ? ` ${code}` : ''}`;
      log[this.failures === 0 ? 'warn' : 'debug']({ status, code, contentType: type, attempt: this.failures + 1 }, 'channel: the server did not open the event stream');
      return { gotHello: false, refused: false };
    }
    return this.consume(res);
  }

  /** Reads one open stream until it ends, is cut, or falls silent for longer than the watchdog allows. */
  private consume(res: IncomingMessage): Promise<ConnectionEnd> {
    const { log } = this.opts;
    this.response = res;
    // The connect timeout guarded the head; from here silence is the watchdog's to judge, with its own limit.
    res.socket?.setTimeout(0);
    log.debug({ lastEventId: this.lastEventId }, 'channel: stream accepted, waiting for hello');
    let gotHello = false;
    let watchdog: NodeJS.Timeout | null = null;
    const armWatchdog = () => {
      if (watchdog) clearTimeout(watchdog);
      const ms = watchdogMs(this.heartbeatSec, this.opts.watchdogFloorMs);
      watchdog = setTimeout(() => {
        this.lastProblem = `silent for ${Math.round(ms / 1000)} s`;
        log.warn({ silentMs: ms }, 'channel: nothing heard for too long (a dropped 3G flow?); reconnecting');
        res.destroy();
      }, ms);
    };
    const parser = createChannelParser((m) => {
      if (m.rawId !== undefined) this.lastEventId = m.rawId === '' ? null : m.rawId;
      if (m.kind === 'ignored') {
        log.debug({ type: m.type, id: m.id }, 'channel: ignoring an event type this agent does not know');
        return;
      }
      if (m.kind === 'malformed') {
        log.warn({ type: m.type, id: m.id, problem: m.problem }, 'channel: ignoring a malformed event');
        return;
      }
      const e = m.event;
      if (e.type === 'hello') {
        gotHello = true;
        this.heartbeatSec = e.data.heartbeatSec;
        this.fanout = e.data.fanout;
        armWatchdog();
        if (!this.open) {
          this.open = true;
          this.openedAt = new Date();
          this.lastProblem = null;
          log.info({ deviceId: e.data.deviceId, heartbeatSec: e.data.heartbeatSec, fanout: e.data.fanout, lastEventId: this.lastEventId }, 'channel: open');
          this.opts.onStateChange?.(true);
        }
      } else if (e.type === 'status') {
        if (e.data.fanout !== this.fanout) log[e.data.fanout === 'ok' ? 'info' : 'warn']({ fanout: e.data.fanout }, 'channel: service fan-out state changed');
        this.fanout = e.data.fanout;
      } else if (e.type === 'revoked') {
        log.error({ deviceId: e.data.deviceId }, 'channel: this device token was REVOKED or rotated; install the new token (the agent keeps playing its saved schedule)');
      } else {
        log.info({ type: e.type, id: e.id, data: e.data }, 'channel: event');
      }
      this.opts.onEvent(e);
    });
    return new Promise((resolve) => {
      let ended = false;
      const finish = (why: string) => {
        if (ended) return;
        ended = true;
        if (watchdog) clearTimeout(watchdog);
        this.response = null;
        res.destroy();
        if (this.open) {
          this.open = false;
          this.lastProblem ??= why;
          if (!this.stopped) log.warn({ why, lastEventId: this.lastEventId }, 'channel: closed');
          this.opts.onStateChange?.(false);
        }
        resolve({ gotHello, refused: false });
      };
      armWatchdog();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        armWatchdog();
        parser.feed(chunk);
      });
      res.once('end', () => finish('the server ended the stream'));
      res.once('error', (err) => finish(`connection lost: ${err.message}`));
      res.once('close', () => finish('connection closed'));
    });
  }
}

/** Reads a small error answer for its code, then lets the connection go. */
async function drainCode(res: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const c of res) {
      bytes += (c as Buffer).length;
      if (bytes > 64 * 1024) break;
      chunks.push(c as Buffer);
    }
  } catch {
    return undefined;
  } finally {
    res.destroy();
  }
  try {
    return errorCode(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    return undefined;
  }
}
