import { Router } from 'express';
import type { DeviceService } from '../../services/device-service.js';
import { principalOf, requireRole } from '../auth.js';

/** GET /fleet: every loudspeaker's health at a glance; an operator sees its own station's only. */
export function fleetRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.get('/', requireRole('admin', 'editor', 'viewer', 'operator'), async (req, res) => {
    const p = principalOf(req);
    res.json(await deps.devices.fleet(p.role === 'operator' ? p.stationId! : undefined));
  });
  return r;
}
