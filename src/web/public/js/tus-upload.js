// Resumable uploads (tus 1.0) for the upload form, so a commune on 3G never starts a programme over: tus-js-client
// (its browser build, served by the API from the installed package) resends only what the server has not stored,
// after a broken link and after a reload of the page too (pick the same file with the same fields: it continues).
import { ApiError, credentials, get } from './api.js';

const ENDPOINT = '/api/v1/uploads/tus';
// A weak link drops often and comes back: keep trying for a good while before telling the user.
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 15000, 20000, 30000, 30000, 60000, 60000, 60000, 60000, 60000];

let client = null;

/** Loads tus-js-client once (a classic script: its browser build is not an ES module). */
function tusClient() {
  client ??= new Promise((resolve, reject) => {
    if (window.tus) return resolve(window.tus);
    const script = document.createElement('script');
    script.src = '/vendor/tus.min.js';
    script.onload = () => resolve(window.tus);
    script.onerror = () => {
      client = null;
      reject(new ApiError(0, null));
    };
    document.head.append(script);
  });
  return client;
}

function apiErrorOf(err) {
  const res = err?.originalResponse;
  if (!res) return new ApiError(0, null);
  let body = null;
  try {
    body = JSON.parse(res.getBody() || 'null');
  } catch {
    body = null;
  }
  const e = new ApiError(res.getStatus(), body?.error);
  if (e.status === 401) credentials.unauthorized(e);
  return e;
}

/**
 * Sends a multipart form's file (field `audio`) and fields (the tus metadata) as a resumable upload. The same
 * contract as api.js's upload(): {promise, abort}; the promise resolves with {status, body: the new episode} and
 * rejects with ApiError (status 0: the link stayed down; -1: stopped, and the partial upload is removed).
 * onResumed() says that an earlier attempt is being continued (only what the server lacks is sent).
 */
export function tusUpload(form, onProgress, onResumed) {
  const file = form.get('audio');
  const metadata = {};
  for (const [k, v] of form.entries()) if (k !== 'audio' && typeof v === 'string') metadata[k] = v;
  metadata.filename = file.name;
  if (file.type) metadata.filetype = file.type;
  let upload = null;
  let fail = null;
  const promise = new Promise((resolve, reject) => {
    fail = reject;
    tusClient().then((tus) => {
      if (!fail) return;
      upload = new tus.Upload(file, {
        endpoint: new URL(ENDPOINT, location.href).href,
        metadata,
        headers: credentials.headers(),
        retryDelays: RETRY_DELAYS,
        removeFingerprintOnSuccess: true,
        // The same file with the same fields continues the same upload; changing the title starts a new one.
        fingerprint: async (f) => ['loaxa-tus', f.name, f.type, f.size, f.lastModified, JSON.stringify(metadata)].join('|'),
        onProgress: (sent, total) => onProgress?.(sent, total),
        onError: (err) => reject(apiErrorOf(err)),
        onSuccess: async () => {
          // The upload's id is the episode's.
          const id = upload.url.split('/').pop();
          try {
            resolve({ status: 201, body: await get(`/episodes/${id}`) });
          } catch (err) {
            reject(err);
          }
        },
      });
      upload.findPreviousUploads().then(
        (previous) => {
          const last = previous.sort((a, b) => String(b.creationTime).localeCompare(String(a.creationTime)))[0];
          if (last) {
            upload.resumeFromPreviousUpload(last);
            onResumed?.();
          }
          if (fail) upload.start();
        },
        () => fail && upload.start(),
      );
    }, reject);
  });
  return {
    promise,
    abort: () => {
      const stop = fail;
      fail = null;
      // Stopping for good: the server drops what it had, nothing is left to expire.
      void upload?.abort(true).catch(() => undefined);
      stop?.(new ApiError(-1, { code: 'ABORTED' }));
    },
  };
}
