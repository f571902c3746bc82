import { Router } from 'express';
import type { DeviceService } from '../../services/device-service.js';
import { principalOf } from '../auth.js';

/** GET /fleet: every loudspeaker's health at a glance, of the stations in the caller's area (or its one station). */
export function fleetRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(await deps.devices.fleet(principalOf(req)));
  });
  return r;
}
