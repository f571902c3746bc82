/**
 * Event ids are Redis stream ids ("<ms>-<seq>"): increasing per station, so "everything after the id the device
 * last saw" is one XRANGE. Pure helpers, shared by the bus and the channel.
 */
const STREAM_ID = /^(\d{1,15})-(\d{1,15})$/;

export function isEventId(s: unknown): s is string {
  return typeof s === 'string' && STREAM_ID.test(s);
}

/** Negative, zero or positive as a is before, equal to or after b. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
