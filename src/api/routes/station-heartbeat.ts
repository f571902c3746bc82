import { Router } from 'express';
import { parseHeartbeat } from '../../domain/devices/index.js';
import type { DeviceService } from '../../services/device-service.js';
import { principalOf, requireRole } from '../auth.js';
import { HttpError } from '../errors.js';

/** POST /station/heartbeat: a device's health, every heartbeat interval (STATION_HEARTBEAT_PATH). */
export function stationHeartbeatRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.post('/heartbeat', requireRole('station'), async (req, res) => {
    const hb = parseHeartbeat(req.body ?? {});
    const { stored, serverTime, heartbeatSec } = await deps.devices.heartbeat(principalOf(req).deviceId!, hb);
    // Revoked in the moment since the token was checked.
    if (!stored) throw new HttpError(401, 'UNAUTHENTICATED', 'The device token is no longer valid', 'Mã truy cập của cụm loa không còn hiệu lực');
    res.json({ serverTime, heartbeatSec });
  });
  return r;
}
