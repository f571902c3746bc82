// Who is signed in. Today a pasted access token; a name + password sign-in would add another
// `signIn` method that obtains a token the same way and then calls `establish`.
import { ApiError, get } from './api.js';

const TOKEN_KEY = 'loaxa.token';

/** { token, me: {name, role, stationId}, station: {id, code, name, timezone} | null } or null. */
let current = null;

function readToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable: the session lasts for this page only
  }
}

export function session() {
  return current;
}

export function token() {
  return current?.token ?? readToken();
}

/** Checks a token with /me (and loads an operator's station); stores it only when it works. */
async function establish(tok) {
  const me = await get('/me', undefined, { token: tok });
  if (me.role === 'station') throw new ApiError(403, { code: 'STATION_TOKEN' });
  let station = null;
  if (me.stationId) {
    try {
      station = await get(`/stations/${me.stationId}`, undefined, { token: tok });
    } catch {
      station = null; // the header then shows the id only; the station page says what went wrong
    }
  }
  current = { token: tok, me, station };
  writeToken(tok);
  return current;
}

export const signIn = {
  /** The only method so far: an access token pasted by the user. */
  token: (tok) => establish(tok.trim()),
};

/** On start: resume with the stored token, if it still works. Returns the session or null. */
export async function resume() {
  const tok = readToken();
  if (!tok) return null;
  try {
    return await establish(tok);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) writeToken(null);
    throw err;
  }
}

export function signOut() {
  current = null;
  writeToken(null);
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
};
