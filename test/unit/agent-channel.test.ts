import { afterEach, describe, expect, it } from 'vitest';
import { formatSseEvent, type ChannelEvent } from '../../src/wire/station-protocol.js';
import { decodeChannelMessage, LiveChannel, watchdogMs, type ChannelOptions } from '../../src/agent/channel.js';
import { capturingLogger, openStream, startSseServer } from '../helpers/agent-sse-server.js';

const hello = (id: string, heartbeatSec = 20, fanout: 'ok' | 'degraded' = 'ok') =>
  formatSseEvent({ type: 'hello', id, data: { deviceId: 'd1', stationId: 's1', heartbeatSec, fanout, serverTime: new Date().toISOString() } });

/** The live channel against a real HTTP server speaking SSE: reconnects, back-off, watchdog, odd input. */
describe('live channel', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(onConnection: Parameters<typeof startSseServer>[0], opts: Partial<ChannelOptions> = {}) {
    const server = await startSseServer(onConnection);
    const { log, lines } = capturingLogger();
    const events: ChannelEvent[] = [];
    const states: boolean[] = [];
    const channel = new LiveChannel({
      url: server.url,
      token: 'lxs_device_token',
      log,
      connectTimeoutMs: 5_000,
      backoff: { baseMs: 50, maxMs: 200 },
      random: () => 1,
      onEvent: (e) => events.push(e),
      onStateChange: (open) => states.push(open),
      ...opts,
    });
    cleanups.push(async () => {
      await channel.stop();
      await server.close();
    });
    channel.start();
    return { server, channel, events, states, lines };
  }

  it('asks for the stream with the device token and, after a cut, resumes from the last event id seen', { timeout: 20_000 }, async () => {
    const { server, channel, events, states } = await setup((c) => {
      openStream(c.res);
      if (c.n === 1) {
        c.send(hello('10'));
        c.send(formatSseEvent({ type: 'manifest', id: '11', data: { reason: 'plan_approved' } }));
        setTimeout(() => c.res.destroy(), 100); // cut, as a dying 3G link would
      } else {
        c.send(hello('12'));
      }
    });
    const second = await server.connectionCount(2);
    const first = server.connections[0]!;
    expect(first.headers.authorization).toBe('Bearer lxs_device_token');
    expect(first.headers.accept).toBe('text/event-stream');
    expect(first.headers['last-event-id']).toBeUndefined();
    expect(second.headers['last-event-id']).toBe('11');
    await expect.poll(() => events.length).toBe(3);
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['hello', '10'],
      ['manifest', '11'],
      ['hello', '12'],
    ]);
    expect(events[1]!.data).toEqual({ reason: 'plan_approved' });
    expect(states).toEqual([true, false, true]);
    expect(channel.open).toBe(true);
    expect(channel.lastEventId).toBe('12');
  });

  it('backs off exponentially while the server fails, and starts over once a connection said hello', { timeout: 30_000 }, async () => {
    let helloClosedAt = 0;
    const { server } = await setup(
      (c) => {
        if (c.n === 5) {
          openStream(c.res);
          c.send(hello('1'));
          setTimeout(() => {
            helloClosedAt = Date.now();
            c.res.end();
          }, 150);
          return;
        }
        c.res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAVAILABLE"}}');
      },
      { backoff: { baseMs: 200, maxMs: 800 } },
    );
    await server.connectionCount(6);
    const at = server.connections.map((c) => c.at);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!, at[3]! - at[2]!, at[4]! - at[3]!, at[5]! - helloClosedAt];
    // random() = 1: the full step each time — 200, 400, 800, capped at 800, then from the start again.
    const expected = [200, 400, 800, 800, 200];
    gaps.forEach((g, i) => {
      expect(g, `gap ${i + 1}: ${gaps.join(', ')}`).toBeGreaterThanOrEqual(expected[i]! - 15);
      expect(g, `gap ${i + 1}: ${gaps.join(', ')}`).toBeLessThan(expected[i]! + 500);
    });
  });

  it('with jitter, each pause lies between half the step and the step', { timeout: 20_000 }, async () => {
    const { server } = await setup((c) => void c.res.writeHead(503).end(), { backoff: { baseMs: 400, maxMs: 400 }, random: () => 0 });
    await server.connectionCount(3);
    const at = server.connections.map((c) => c.at);
    for (const g of [at[1]! - at[0]!, at[2]! - at[1]!]) {
      expect(g).toBeGreaterThanOrEqual(200 - 15);
      expect(g).toBeLessThan(380);
    }
  });

  it('reconnects when the stream falls silent (a flow dropped by a middlebox), but not while heartbeats flow', { timeout: 30_000 }, async () => {
    let beats: NodeJS.Timeout | null = null;
    cleanups.push(async () => {
      if (beats) clearInterval(beats);
    });
    const { server, lines } = await setup(
      (c) => {
        openStream(c.res);
        c.send(hello(String(c.n), 0.05));
        if (c.n === 2) {
          // Comments only, for 1.5 s: the link is alive, nothing to do.
          beats = setInterval(() => c.send(': hb\n\n'), 100);
          setTimeout(() => clearInterval(beats!), 1_500);
        }
      },
      { watchdogFloorMs: 400 },
    );
    await server.connectionCount(3);
    const [c1, c2, c3] = server.connections as [typeof server.connections[0], typeof server.connections[0], typeof server.connections[0]];
    // Silent from the start: dropped after the watchdog (max(3 × 0.05 s, 0.4 s)) plus the back-off pause.
    expect(c2.at - c1.at).toBeGreaterThanOrEqual(400);
    expect(c2.at - c1.at).toBeLessThan(400 + 50 + 1_000);
    expect(c1.isClosed()).toBe(true);
    // Kept while comments arrived, dropped once they stopped.
    expect(c3.at - c2.at).toBeGreaterThanOrEqual(1_500 + 400 - 150);
    expect(lines.filter((l) => l.msg.startsWith('channel: nothing heard for too long')).length).toBeGreaterThanOrEqual(2);
  });

  it('the watchdog allows three server heartbeats, and never less than a minute by default', () => {
    expect(watchdogMs(20)).toBe(60_000);
    expect(watchdogMs(25)).toBe(75_000);
    expect(watchdogMs(null)).toBe(60_000);
    expect(watchdogMs(0.05, 400)).toBe(400);
  });

  it('ignores unknown event types and malformed data, and keeps going', { timeout: 20_000 }, async () => {
    const { events, channel, lines } = await setup((c) => {
      openStream(c.res);
      c.send(hello('1'));
      c.send(formatSseEvent({ type: 'weather', id: '2', data: { rain: 'heavy' } }));
      c.send('id: 3\nevent: play-now\ndata: {not json\n\n');
      c.send(formatSseEvent({ type: 'stop', id: '4', data: { playNowId: 7 } }));
      c.send('data: {"no":"type"}\n\n');
      c.send(formatSseEvent({ type: 'status', id: '5', data: { fanout: 'degraded' } }));
      c.send(formatSseEvent({ type: 'play-now', id: '6', data: { playNowId: 'p1', airingId: 'a1', episodeId: 'e1', startsAt: '2026-12-01T06:00:00+07:00', endsAt: '2026-12-01T06:00:20+07:00', extra: 'newer service field' } }));
      c.send(formatSseEvent({ type: 'revoked', id: '7', data: { deviceId: 'd1' } }));
    });
    await expect.poll(() => events.length).toBe(4);
    expect(events.map((e) => e.type)).toEqual(['hello', 'status', 'play-now', 'revoked']);
    expect(events[2]!.data).toEqual({ playNowId: 'p1', airingId: 'a1', episodeId: 'e1', startsAt: '2026-12-01T06:00:00+07:00', endsAt: '2026-12-01T06:00:20+07:00' });
    expect(channel.fanout).toBe('degraded');
    expect(channel.lastEventId).toBe('7');
    const malformed = lines.filter((l) => l.msg === 'channel: ignoring a malformed event');
    expect(malformed.map((l) => [l.type, l.id])).toEqual([
      ['play-now', '3'],
      ['stop', '4'],
    ]);
    expect(lines.find((l) => l.msg.includes('REVOKED'))?.level).toBe(50);
  });

  it('a refused token is said loudly and retried only after the long pause', { timeout: 20_000 }, async () => {
    const { server, lines } = await setup((c) => void c.res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHENTICATED"}}'), {
      backoff: { baseMs: 20, maxMs: 20 },
      refusedBackoff: { baseMs: 1_500, maxMs: 1_500 },
    });
    await server.connectionCount(2);
    const [c1, c2] = server.connections;
    expect(c2!.at - c1!.at).toBeGreaterThanOrEqual(1_500 - 15);
    const err = lines.find((l) => l.msg.includes('refuses this device token'));
    expect(err).toMatchObject({ level: 50, status: 401, code: 'UNAUTHENTICATED' });
  });

  it('stop() closes the stream and does not come back', { timeout: 20_000 }, async () => {
    const { server, channel } = await setup((c) => {
      openStream(c.res);
      c.send(hello('1'));
    });
    const c1 = await server.connectionCount(1);
    await expect.poll(() => channel.open).toBe(true);
    await channel.stop();
    await c1.closed;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.connections).toHaveLength(1);
    expect(channel.open).toBe(false);
  });
});

describe('channel message decoding', () => {
  it('checks each known type against the protocol', () => {
    expect(decodeChannelMessage({ event: 'manifest', id: '9', data: '{"reason":"x"}' })).toEqual({ kind: 'event', event: { type: 'manifest', id: '9', data: { reason: 'x' } } });
    expect(decodeChannelMessage({ event: 'manifest', data: '{}' })).toEqual({ kind: 'event', event: { type: 'manifest', data: { reason: '' } } });
    expect(decodeChannelMessage({ event: 'hello', data: '{"deviceId":"d"}' }).kind).toBe('malformed');
    expect(decodeChannelMessage({ event: 'status', data: '{"fanout":"maybe"}' }).kind).toBe('malformed');
    expect(decodeChannelMessage({ event: 'future-thing', data: 'whatever' })).toEqual({ kind: 'ignored', type: 'future-thing' });
    expect(decodeChannelMessage({ data: '{}' })).toEqual({ kind: 'ignored', type: undefined });
  });
});
