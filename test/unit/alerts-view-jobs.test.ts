import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import type { AlertRow } from '../../src/db/alerts-repo.js';
import { cappedDelay, jobIdFor, jobOptions } from '../../src/queue/jobs.js';
import { toAlertView } from '../../src/services/alert-service.js';

const row = (over: Partial<AlertRow> = {}): AlertRow => ({
  id: '6f1c2f8e-0000-4000-8000-000000000001',
  kind: 'device_offline',
  subject: 'device_offline:d1',
  stationId: 's1',
  stationCode: '01234',
  stationName: 'Đài xã Tả Van',
  deviceId: 'd1',
  deviceName: 'Cụm loa 2',
  airingId: null,
  details: {
    message: 'Cụm loa 2 — Đài xã Tả Van mất kết nối 31 phút (lần cuối thấy 01/12/2026 07:00)',
    messageEn: 'Cụm loa 2 — Đài xã Tả Van offline for 31 minutes (last seen 01/12/2026 07:00)',
    stationCode: '01234',
    stationName: 'Đài xã Tả Van',
    timezone: 'Asia/Ho_Chi_Minh',
    deviceName: 'Cụm loa 2',
    lastSeenAt: '2026-12-01T00:00:00.000Z',
  },
  openedAt: new Date('2026-12-01T00:31:00Z'),
  resolvedAt: null,
  notifiedAt: null,
  resolvedNotifiedAt: null,
  ...over,
});

describe('toAlertView', () => {
  it('says how long an open offline alert has lasted as of now, and a resolved one as of its resolution', () => {
    expect(toAlertView(row(), new Date('2026-12-01T03:10:00Z'))).toMatchObject({ status: 'open', message: expect.stringContaining('mất kết nối 3 giờ'), resolvedAt: null });
    const resolved = toAlertView(row({ resolvedAt: new Date('2026-12-01T01:15:00Z') }), new Date('2026-12-05T00:00:00Z'));
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-12-01T01:15:00.000Z', messageEn: expect.stringContaining('offline for 1 hour (') });
  });
  it('keeps the stored text of the other kinds and falls back to the stored device name', () => {
    const v = toAlertView(row({ kind: 'file_not_delivered', deviceName: null, details: { ...row().details, message: 'vi', messageEn: 'en' } }), new Date());
    expect(v).toMatchObject({ message: 'vi', messageEn: 'en', deviceName: 'Cụm loa 2' });
  });
});

describe('alert-webhook jobs', () => {
  const config = loadConfig({}, {});
  it('have one id per alert and event, free of the ":" BullMQ refuses in custom ids', () => {
    const id = jobIdFor('alert-webhook', { alertId: 'a1', event: 'opened' });
    expect(id).toBe('alert-webhook-a1-opened');
    expect(id).not.toContain(':');
    expect(jobIdFor('alert-webhook', { alertId: 'a1', event: 'resolved' })).not.toBe(id);
  });
  it('are retried on the capped back-off for as long as pushes (26 h by default)', () => {
    const o = jobOptions('alert-webhook', config.jobs, config.distribution);
    expect(o.backoff).toEqual({ type: 'capped-exponential' });
    let span = 0;
    for (let n = 1; n < o.attempts!; n++) span += cappedDelay(n, config.distribution.pushBackoffMs, config.distribution.pushMaxBackoffMs);
    expect(span).toBeGreaterThanOrEqual(26 * 3600_000);
  });
});
