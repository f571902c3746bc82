import { describe, expect, it } from 'vitest';
import { needsTouch, SESSION_IDLE_MS, SESSION_TOUCH_EVERY_MS, sessionStatus } from '../../src/domain/people/session-expiry.js';
import { accountKey, waitText } from '../../src/domain/people/sign-in-backoff.js';

const now = new Date('2026-12-02T05:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('session expiry', () => {
  it('keeps a session used within 12 hours and ends one idle for 12 hours', () => {
    expect(SESSION_IDLE_MS).toBe(12 * 3600_000);
    expect(sessionStatus({ lastSeenAt: ago(SESSION_IDLE_MS - 1000), revokedAt: null }, now)).toBe('active');
    expect(sessionStatus({ lastSeenAt: ago(SESSION_IDLE_MS), revokedAt: null }, now)).toBe('expired');
    expect(sessionStatus({ lastSeenAt: ago(3 * SESSION_IDLE_MS), revokedAt: null }, now)).toBe('expired');
  });

  it('ends a revoked session however fresh', () => {
    expect(sessionStatus({ lastSeenAt: now, revokedAt: ago(1) }, now)).toBe('revoked');
  });

  it('moves last_seen_at at most once a minute, so a busy dashboard is not a write per request', () => {
    expect(needsTouch(ago(SESSION_TOUCH_EVERY_MS - 1), now)).toBe(false);
    expect(needsTouch(ago(SESSION_TOUCH_EVERY_MS), now)).toBe(true);
  });
});

describe('sign-in back-off', () => {
  it('says the wait in Vietnamese, rounded up, seconds under a minute', () => {
    expect(waitText(40_000)).toEqual({ vi: '40 giây', en: '40 seconds' });
    expect(waitText(1)).toEqual({ vi: '1 giây', en: '1 second' });
    expect(waitText(60_001)).toEqual({ vi: '2 phút', en: '2 minutes' });
    expect(waitText(15 * 60_000)).toEqual({ vi: '15 phút', en: '15 minutes' });
  });

  it('counts one account whatever the case and spaces typed', () => {
    expect(accountKey('  Lan.Nguyen ')).toBe(accountKey('lan.nguyen'));
  });
});
