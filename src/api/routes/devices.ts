import { Router } from 'express';
import { z } from 'zod';
import { createDeviceSchema, renameDeviceSchema, type DeviceService } from '../../services/device-service.js';
import { assertMayReadStation, requireRole } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

const stationIdSchema = z.uuid({ error: 'id must be a UUID' });
const deviceIdSchema = z.uuid({ error: 'deviceId must be a UUID' });
export const presenceQuery = z.object({ limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(1000).default(100) });

// Readers of a station's devices: the centre's roles everywhere; an operator, or a device, for its own station only.
const readers = requireRole('admin', 'editor', 'viewer', 'operator', 'station');

/** A station's devices, under /stations/:id/devices. Managing them is for admins. */
export function stationDevicesRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  const { devices } = deps;
  const admin = requireRole('admin');

  r.post('/:id/devices', admin, async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const created = await devices.create(stationId, parseBody(createDeviceSchema, req, {}));
    res.status(201).location(`/api/v1/stations/${stationId}/devices/${created.id}`).json(created);
  });

  r.get('/:id/devices', readers, async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    assertMayReadStation(req, stationId);
    res.json({ stationId, items: await devices.list(stationId) });
  });

  r.patch('/:id/devices/:deviceId', admin, async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const deviceId = parseParam(deviceIdSchema, req, 'deviceId');
    res.json(await devices.rename(stationId, deviceId, parseBody(renameDeviceSchema, req, {})));
  });

  r.post('/:id/devices/:deviceId/rotate-token', admin, async (req, res) => {
    res.json(await devices.rotateToken(parseParam(stationIdSchema, req, 'id'), parseParam(deviceIdSchema, req, 'deviceId')));
  });

  r.post('/:id/devices/:deviceId/revoke', admin, async (req, res) => {
    res.json(await devices.revoke(parseParam(stationIdSchema, req, 'id'), parseParam(deviceIdSchema, req, 'deviceId')));
  });

  return r;
}

/** A device by its own id, under /devices. */
export function devicesRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.get('/:id/presence', readers, async (req, res) => {
    const id = parseParam(z.uuid({ error: 'id must be a UUID' }), req, 'id');
    const { limit } = parseQuery(presenceQuery, req);
    const device = await deps.devices.get(id);
    assertMayReadStation(req, device.stationId);
    res.json(await deps.devices.presence(id, limit));
  });
  return r;
}
