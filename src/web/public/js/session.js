// Who is signed in: a person with a name and password (a server-side session behind an httpOnly cookie, which
// this script never sees), or — for scripts and old habits — an access token pasted into the form.
import { ApiError, get, request } from './api.js';

const TOKEN_KEY = 'loaxa.token';
// Not a secret: only whether to ask the server for a cookie session at start (saves a 401 on every first visit).
const SIGNED_IN_KEY = 'loaxa.signedIn';

/** { via: 'session'|'token', token, csrfToken, me, station } or null. */
let current = null;

function readKey(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeKey(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // storage unavailable: the session lasts for this page only
  }
}

export function session() {
  return current;
}

/** The bearer token to send, or null with a cookie session. */
export function token() {
  if (current) return current.token ?? null;
  return readKey(TOKEN_KEY);
}

/** The cookie session's token for writes (x-csrf-token), or null. */
export function csrfToken() {
  return current?.csrfToken ?? null;
}

/** Checks who we are with /me (and loads an operator's station). `tok` null: the cookie session. */
async function establish(tok) {
  const me = await get('/me', undefined, { token: tok ?? '' });
  if (me.role === 'station') throw new ApiError(403, { code: 'STATION_TOKEN' });
  current = { via: tok ? 'token' : 'session', token: tok ?? null, csrfToken: me.csrfToken ?? null, me, station: null };
  if (me.stationId && !me.mustChangePassword) {
    try {
      current.station = await get(`/stations/${me.stationId}`, undefined, { token: tok ?? '' });
    } catch {
      current.station = null; // the header then shows the id only; the station page says what went wrong
    }
  }
  writeKey(TOKEN_KEY, tok);
  writeKey(SIGNED_IN_KEY, tok ? null : '1');
  return current;
}

export const signIn = {
  /** Name and password: the server sets the session cookie, then /me says who we are. */
  password: async (login, password) => {
    await request('POST', '/session', { body: { login, password }, token: '' });
    return establish(null);
  },
  /** An access token pasted by the user (scripts' tokens, the bootstrap ADMIN_TOKEN). */
  token: (tok) => establish(tok.trim()),
};

/** On start: resume with the stored token or the cookie session, if it still works. Returns the session or null. */
export async function resume() {
  const tok = readKey(TOKEN_KEY);
  if (!tok && !readKey(SIGNED_IN_KEY)) return null;
  try {
    return await establish(tok || null);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      writeKey(TOKEN_KEY, null);
      writeKey(SIGNED_IN_KEY, null);
    }
    throw err;
  }
}

/** Ends the session: a cookie session is revoked on the server as well (best effort: it may have ended already). */
export async function signOut() {
  const was = current;
  if (was?.via === 'session') await request('DELETE', '/session', { token: '' }).catch(() => undefined);
  current = null;
  writeKey(TOKEN_KEY, null);
  writeKey(SIGNED_IN_KEY, null);
}

/** After the password was changed: nothing is held back any more. */
export function passwordChanged() {
  if (current) current.me = { ...current.me, mustChangePassword: false };
}

/** Roles allowed to do things (mirrors the API; the API remains the judge). */
export const can = {
  upload: (me) => ['admin', 'editor', 'operator'].includes(me.role),
  listStations: (me) => ['admin', 'editor', 'viewer'].includes(me.role),
  readPlans: (me) => ['admin', 'editor', 'viewer'].includes(me.role),
  createPlan: (me) => ['admin', 'editor'].includes(me.role),
  approvePlan: (me) => me.role === 'admin',
  cancelPlan: (me) => ['admin', 'editor'].includes(me.role),
  markAired: (me) => ['admin', 'editor', 'operator'].includes(me.role),
  readFleet: (me) => ['admin', 'editor', 'viewer'].includes(me.role),
  readAlerts: (me) => ['admin', 'editor', 'viewer', 'operator'].includes(me.role),
  manageDevices: (me) => me.role === 'admin',
  playNow: (me) => me.role === 'admin',
  /** A person with a login (not ADMIN_TOKEN) has a password of their own. */
  ownPassword: (me) => Boolean(me.login),
};
