// The JSON API client: bearer token, error shape {error: {code, message, messageEn}}, uploads with
// progress (XMLHttpRequest), authenticated downloads (fetch → blob → save) and downloads from token-free links.

const BASE = '/api/v1';

let tokenOf = () => null;
let csrfOf = () => null;
let onUnauthorized = () => {};

/** Wires the client to the session: where the token comes from and what to do on 401. */
export function configureApi(opts) {
  tokenOf = opts.token;
  csrfOf = opts.csrf ?? (() => null);
  onUnauthorized = opts.onUnauthorized;
}

export class ApiError extends Error {
  /** status 0 means the request never got an answer (network down, connection closed). */
  constructor(status, error) {
    super(error?.messageEn ?? error?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error?.code ?? (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    this.messageVi = error?.message ?? null;
    this.messageEn = error?.messageEn ?? null;
    this.details = error?.details;
  }
}

function authHeaders(token) {
  const t = token ?? tokenOf();
  if (t) return { authorization: `Bearer ${t}` };
  // A cookie session: the browser sends the cookie itself; writes also carry the session's token against CSRF.
  const c = csrfOf();
  return c ? { 'x-csrf-token': c } : {};
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's page, an empty body): the status says enough
  }
  return new ApiError(res.status, body?.error);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * One JSON request. `token` overrides the session's (used when signing in).
 * A 401 on a request made with the session's token ends the session.
 */
export async function request(method, path, { body, params, token, signal } = {}) {
  let res;
  try {
    res = await fetch(BASE + path + query(params), {
      method,
      headers: { accept: 'application/json', ...authHeaders(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal,
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && token === undefined) onUnauthorized(err);
    throw err;
  }
  if (res.status === 204) return { status: 204, body: null };
  return { status: res.status, body: await res.json() };
}

export const get = async (path, params, opts = {}) => (await request('GET', path, { ...opts, params })).body;
export const post = (path, body = {}, opts = {}) => request('POST', path, { ...opts, body });

/** A POST whose answer is a file (a bulletin preview): resolves {blob, headers}; errors as request() does. */
export async function postForBlob(path, body, { signal } = {}) {
  let res;
  try {
    res = await fetch(BASE + path, {
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return { blob: await res.blob(), headers: res.headers };
}

/** What a broadcast can be made of: ready programmes and active stations (plans and "Phát ngay" alike). */
export async function broadcastChoices(signal) {
  const [episodes, stations] = await Promise.all([
    get('/episodes', { status: 'ready', limit: 200 }, { signal }),
    get('/stations', { active: 'true', limit: 1000 }, { signal }),
  ]);
  return { episodes, stations };
}

/**
 * Uploads a multipart form with progress. Resolves with {status, body}; rejects with ApiError
 * (status 0 when the connection broke, e.g. the server refused a too-large file mid-way).
 * Returns {promise, abort}.
 */
export function upload(path, form, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', BASE + path);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body });
      const err = new ApiError(xhr.status, body?.error);
      if (xhr.status === 401) onUnauthorized(err);
      reject(err);
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null)));
    xhr.addEventListener('abort', () => reject(new ApiError(-1, { code: 'ABORTED' })));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Characters that file systems refuse, out of a suggested file name. */
export function safeFileName(name) {
  return String(name).replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').trim().slice(0, 150) || 'loa-xa';
}

/** Downloads with the bearer token (a plain link cannot send it) and saves the file. */
export async function download(path, params, fileName) {
  let res;
  try {
    res = await fetch(BASE + path + query(params), { headers: authHeaders() });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(fileName);
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the save before the blob goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { size: blob.size, type: blob.type };
}

/**
 * Saves a file from a link that needs no token (an episode's presigned or signed link) by navigating to it: the
 * browser follows it as a download (the answer says attachment), where a fetch would be stopped by the page's CSP
 * (connect-src 'self') as soon as the link points at the storage. The name comes from the answer.
 */
export function saveFromLink(url) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/** The session's credentials and what to do when they stop working, for clients making their own requests (tus). */
export const credentials = { headers: () => authHeaders(), unauthorized: (err) => onUnauthorized(err) };
