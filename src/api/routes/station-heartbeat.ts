import { Router } from 'express';
import { parseHeartbeat } from '../../domain/devices/index.js';
import type { DeviceService } from '../../services/device-service.js';
import { principalOf } from '../auth.js';
import { permit } from '../permit.js';
import { HttpError } from '../errors.js';

const revoked = () => new HttpError(401, 'UNAUTHENTICATED', 'The device token is no longer valid', 'Mã truy cập của cụm loa không còn hiệu lực');

/**
 * POST /station/heartbeat: a device's health, every heartbeat interval (STATION_HEARTBEAT_PATH) — in full when
 * something changed (answered `200 {serverTime, heartbeatSec}`), otherwise `{same: true}` (answered `204`).
 */
export function stationHeartbeatRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.post('/heartbeat', permit('station.feed'), async (req, res) => {
    const deviceId = principalOf(req).deviceId!;
    if ((req.body as { same?: unknown } | undefined)?.same === true) {
      const result = await deps.devices.alive(deviceId);
      if (result === 'revoked') throw revoked();
      if (result === 'no_health') {
        throw new HttpError(409, 'HEARTBEAT_FULL_NEEDED', 'No full heartbeat of this device is on record: send one', 'Chưa có báo cáo tình trạng đầy đủ của cụm loa; hãy gửi bản đầy đủ');
      }
      // No body: this answer goes out every minute over paid 3G data.
      res.status(204).end();
      return;
    }
    const hb = parseHeartbeat(req.body ?? {});
    const { stored, serverTime, heartbeatSec } = await deps.devices.heartbeat(deviceId, hb);
    // Revoked in the moment since the token was checked.
    if (!stored) throw revoked();
    res.json({ serverTime, heartbeatSec });
  });
  return r;
}
