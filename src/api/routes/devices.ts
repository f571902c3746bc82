import { Router } from 'express';
import { z } from 'zod';
import { createDeviceSchema, renameDeviceSchema, type DeviceService } from '../../services/device-service.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';
import { recordChange } from '../audit-context.js';

const stationIdSchema = z.uuid({ error: 'id must be a UUID' });
const deviceIdSchema = z.uuid({ error: 'deviceId must be a UUID' });
export const presenceQuery = z.object({ limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(1000).default(100) });

/** A station's devices, under /stations/:id/devices. The device service asks who may read or manage them. */
export function stationDevicesRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  const { devices } = deps;

  r.post('/:id/devices', async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const created = await devices.create(principalOf(req), stationId, parseBody(createDeviceSchema, req, {}));
    await recordChange(req, { action: 'device.create', targetType: 'device', targetId: created.id, stationId, after: { name: created.name, stationId } });
    res.status(201).location(`/api/v1/stations/${stationId}/devices/${created.id}`).json(created);
  });

  r.get('/:id/devices', async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    res.json({ stationId, items: await devices.list(principalOf(req), stationId) });
  });

  r.patch('/:id/devices/:deviceId', async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const deviceId = parseParam(deviceIdSchema, req, 'deviceId');
    const input = parseBody(renameDeviceSchema, req, {});
    const before = await devices.get(deviceId).catch(() => null);
    const renamed = await devices.rename(principalOf(req), stationId, deviceId, input);
    if (before && before.name !== renamed.name) await recordChange(req, { action: 'device.update', targetType: 'device', targetId: deviceId, stationId, before: { name: before.name }, after: { name: renamed.name } });
    res.json(renamed);
  });

  r.post('/:id/devices/:deviceId/rotate-token', async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const deviceId = parseParam(deviceIdSchema, req, 'deviceId');
    const rotated = await devices.rotateToken(principalOf(req), stationId, deviceId);
    await recordChange(req, { action: 'device.rotate_token', targetType: 'device', targetId: deviceId, stationId });
    res.json(rotated);
  });

  r.post('/:id/devices/:deviceId/revoke', async (req, res) => {
    const stationId = parseParam(stationIdSchema, req, 'id');
    const deviceId = parseParam(deviceIdSchema, req, 'deviceId');
    const before = await devices.get(deviceId).catch(() => null);
    const revoked = await devices.revoke(principalOf(req), stationId, deviceId);
    if (before && !before.revokedAt) await recordChange(req, { action: 'device.revoke', targetType: 'device', targetId: deviceId, stationId, before: { revoked: false }, after: { revoked: true } });
    res.json(revoked);
  });

  return r;
}

/** A device by its own id, under /devices. */
export function devicesRouter(deps: { devices: DeviceService }): Router {
  const r = Router();
  r.get('/:id/presence', async (req, res) => {
    const id = parseParam(z.uuid({ error: 'id must be a UUID' }), req, 'id');
    const { limit } = parseQuery(presenceQuery, req);
    res.json(await deps.devices.presence(principalOf(req), id, limit));
  });
  return r;
}
