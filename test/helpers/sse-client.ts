import http from 'node:http';
import { createParser } from 'eventsource-parser';

export interface ReceivedEvent {
  type: string;
  id?: string;
  data: any;
  at: number;
}

/**
 * A bare SSE client for tests of the service's live channel: records every event and comment with its arrival time.
 * (The station agent has its own client; this one lets a test see the protocol itself.)
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  comments = 0;
  status = 0;
  closed = false;
  private req: http.ClientRequest;
  private waiters: Array<() => void> = [];
  readonly done: Promise<void>;

  constructor(url: string, token: string, lastEventId?: string) {
    let finish!: () => void;
    this.done = new Promise((r) => (finish = r));
    const parser = createParser({
      onEvent: (e) => {
        let data: unknown = e.data;
        try {
          data = JSON.parse(e.data);
        } catch {
          // keep the text
        }
        this.events.push({ type: e.event ?? 'message', id: e.id, data, at: Date.now() });
        this.notify();
      },
      onComment: () => {
        this.comments++;
        this.notify();
      },
    });
    this.req = http.get(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('close', () => {
        this.closed = true;
        finish();
        this.notify();
      });
    });
    this.req.on('error', () => {
      this.closed = true;
      finish();
      this.notify();
    });
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first event (from `from` on) that matches, or rejects after timeoutMs. */
  async next(match: (e: ReceivedEvent) => boolean, opts: { timeoutMs?: number; from?: number } = {}): Promise<ReceivedEvent> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const hit = this.events.slice(opts.from ?? 0).find(match);
      if (hit) return hit;
      if (this.closed) throw new Error(`channel closed before the event came; got ${this.events.map((e) => e.type).join(', ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for an event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async closedWithin(ms: number): Promise<boolean> {
    const t = new Promise<false>((r) => setTimeout(() => r(false), ms));
    return Promise.race([this.done.then(() => true as const), t]);
  }

  close(): void {
    this.req.destroy();
  }
}
