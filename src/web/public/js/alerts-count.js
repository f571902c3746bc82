// How many alerts are open, for the badge in the navigation: fetched on navigation (at most every few seconds),
// every minute while signed in, and set directly by the alerts page when it has just loaded the list.
import { get } from './api.js';

const MIN_GAP_MS = 5_000;
const POLL_MS = 60_000;

let count = null;
let lastFetch = 0;
let timer = null;
let inFlight = null;
const listeners = new Set();

export function openAlerts() {
  return count;
}

export function onOpenAlertsChange(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

export function setOpenAlerts(n) {
  lastFetch = Date.now();
  if (typeof n !== 'number' || n === count) return;
  count = n;
  for (const f of listeners) f(count);
}

/** Asks the API for the open count, unless it was asked a moment ago. A failure leaves the badge as it was. */
export async function refreshOpenAlerts({ force = false } = {}) {
  if (inFlight) return inFlight;
  if (!force && Date.now() - lastFetch < MIN_GAP_MS) return count;
  lastFetch = Date.now();
  inFlight = (async () => {
    try {
      const body = await get('/alerts', { status: 'open', limit: 1 });
      setOpenAlerts(typeof body.open === 'number' ? body.open : body.total);
    } catch {
      // Not allowed to read alerts, or the network is down: no badge change.
    } finally {
      inFlight = null;
    }
    return count;
  })();
  return inFlight;
}

/** Keeps the count fresh while someone is signed in; stop() when they sign out. */
export function startOpenAlertsPolling() {
  if (timer) return;
  timer = setInterval(() => {
    if (!document.hidden) refreshOpenAlerts();
  }, POLL_MS);
}

export function stopOpenAlertsPolling() {
  clearInterval(timer);
  timer = null;
  count = null;
  lastFetch = 0;
  for (const f of listeners) f(count);
}
