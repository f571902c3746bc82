import { Router } from 'express';
import { hashToken } from '../../domain/tokens.js';
import type { ChannelHub } from '../../realtime/channel-hub.js';
import { isEventId } from '../../realtime/event-id.js';
import { principalOf } from '../auth.js';
import { permit } from '../permit.js';

/**
 * `GET /api/v1/station/events`: the device's live channel, as Server-Sent Events. SSE rather than a WebSocket:
 * it is plain HTTP (passes every proxy a commune's ISP may put in the way), the traffic is one-way, and resuming
 * with Last-Event-ID is part of the standard.
 */
export function stationEventsRouter(deps: { hub: ChannelHub }): Router {
  const r = Router();
  r.get('/events', permit('station.feed'), async (req, res) => {
    const p = principalOf(req);
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')![1]!;
    const given = req.headers['last-event-id'] ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const lastEventId = isEventId(given) ? given : null;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise hold events back to fill a buffer.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true, 30_000);
    req.socket.setTimeout(0);
    // Tell EventSource clients how soon to come back after a cut.
    res.write('retry: 2000\n\n');
    const detach = await deps.hub.attach(
      {
        deviceId: p.deviceId!,
        stationId: p.stationId!,
        tokenHash: hashToken(bearer),
        write: (text) => void res.write(text),
        get backlog() {
          return res.writableLength;
        },
        end: () => res.end(),
      },
      lastEventId,
    );
    res.on('close', detach);
    if (res.destroyed || res.writableEnded) detach();
  });
  return r;
}
