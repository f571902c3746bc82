import { CliError } from './cli-error.js';

/**
 * The running service's API, as the CLI calls it with `--server`: the service owns its database, so a token made
 * this way works at once, and the embedded database's directory is never opened behind its back.
 */
export interface ServiceClient {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

interface ApiErrorBody {
  error?: { code?: string; message?: string; messageVi?: string; messageEn?: string; details?: unknown };
}

const TIMEOUT_MS = 30_000;

export function serviceClient(server: string, token: string): ServiceClient {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new CliError(`«--server» phải là một địa chỉ như http://127.0.0.1:8080, nhận được "${server}"`, `--server must be a URL such as http://127.0.0.1:8080, got "${server}"`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new CliError(`«--server» phải bắt đầu bằng http:// hoặc https://, nhận được "${server}"`, `--server must start with http:// or https://, got "${server}"`);
  }
  const root = base.href.replace(/\/+$/, '');
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${root}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        throw new CliError(
          `Không kết nối được tới dịch vụ tại ${root} (${why}). Kiểm tra dịch vụ đang chạy và địa chỉ «--server».`,
          `Cannot reach the service at ${root} (${why}). Check that it runs and that --server is right.`,
          4,
        );
      }
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (!res.ok) {
        const e = (parsed as ApiErrorBody | null)?.error;
        if (res.status === 401) {
          throw new CliError(
            'Dịch vụ không nhận mã truy cập: kiểm tra «--token» (hoặc biến ADMIN_TOKEN).',
            'The service refused the token: check --token (or ADMIN_TOKEN).',
            4,
          );
        }
        const vi = e?.messageVi ?? e?.message ?? `dịch vụ trả lời ${res.status}`;
        const en = e?.messageEn ?? `the service answered ${res.status}`;
        throw new CliError(`${vi}${e?.code ? ` (${e.code})` : ''}`, `${en}${e?.code ? ` (${e.code})` : ''}`, res.status >= 500 ? 4 : 2);
      }
      if (parsed === null && text) {
        throw new CliError(`Địa chỉ ${root} không phải dịch vụ Loa xã (câu trả lời không phải JSON).`, `${root} is not a Loa xã service (the answer is not JSON).`, 4);
      }
      return parsed as T;
    },
  };
}
