import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * Plain node:http(s) with one connection per request. Over a 3G link that drops, a pooled keep-alive socket is
 * mostly a socket the carrier has silently killed; a fresh connection fails (or works) honestly.
 */
const agents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

export const USER_AGENT = 'loa-xa-station-agent/1';

/** No answer at all: refused, reset, timed out, DNS. The server may be fine; the link is not. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Idle timeout: the request fails when no byte moves for this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Sends a request and resolves with the response head; the body is the caller's to read (or destroy). */
export function request(url: string, opts: RequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new NetworkError(`bad URL ${url}`, 'EBADURL'));
      return;
    }
    const lib = u.protocol === 'https:' ? https : http;
    const agent = u.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = lib.request(u, { method: opts.method ?? 'GET', headers, agent, signal: opts.signal });
    req.setTimeout(opts.timeoutMs, () => req.destroy(new NetworkError(`no data for ${opts.timeoutMs} ms`, 'ETIMEDOUT')));
    // The socket's idle timeout keeps guarding the body too: a stalled transfer errors the response stream.
    req.once('response', resolve);
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof NetworkError || err.name === 'AbortError') reject(err);
      else reject(new NetworkError(err.message, err.code ?? 'ENET'));
    });
    req.end(opts.body);
  });
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  readonly json: unknown;
  readonly bytes: number;
}

/** A request whose (bounded) body is read whole and parsed as JSON when it is JSON. */
export async function requestJson(url: string, opts: RequestOptions & { maxBytes?: number }): Promise<JsonResponse> {
  const res = await request(url, opts);
  const max = opts.maxBytes ?? 16 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of res) {
      bytes += (chunk as Buffer).length;
      if (bytes > max) {
        res.destroy();
        throw new NetworkError(`answer larger than ${max} bytes`, 'ETOOBIG');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new NetworkError(`connection lost while reading the answer: ${e.message}`, e.code ?? 'ECONNRESET');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let json: unknown;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.statusCode ?? 0, headers: res.headers, json, bytes };
}

/** The server's error code from the service's `{error: {code}}` body, if any. */
export function errorCode(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
