import { parseArgs } from 'node:util';
import { usageError } from './cli-error.js';

export const COMMANDS = ['user:create', 'token:create', 'station:create'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage / Cách dùng:
  npm run cli -- user:create --name NAME --role admin|editor|operator|viewer [--login LOGIN] [--password TEXT]
                 [--station CODE|ID] [--area CODE|ID] [--label TEXT]
  npm run cli -- token:create --login LOGIN [--label TEXT]
  npm run cli -- station:create --code CODE --name NAME [--area CODE|ID] [--timezone ZONE]

While the service runs, add --server URL (or LOAXA_SERVER) and --token TOKEN (or ADMIN_TOKEN): the command then
goes through the service's API and the token works at once. Without --server the command opens the database itself
(DATABASE_URL, or the embedded one under DATA_DIR, which is refused while the service holds it).
--station takes the commune code (5 digits) or the station's id. Tokens and passwords are printed once.

Khi dịch vụ đang chạy, thêm --server URL (hoặc LOAXA_SERVER) và --token MÃ (hoặc ADMIN_TOKEN): lệnh đi qua API của
dịch vụ và mã truy cập dùng được ngay. --station nhận mã xã (5 chữ số) hoặc mã định danh của đài.`;

export interface CliOptions {
  name?: string;
  login?: string;
  role?: string;
  station?: string;
  area?: string;
  password?: string;
  label?: string;
  code?: string;
  timezone?: string;
  server?: string;
  token?: string;
}

const STRING_OPTIONS = ['name', 'login', 'role', 'station', 'area', 'password', 'label', 'code', 'timezone', 'server', 'token'] as const;

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): { command: Command; options: CliOptions } {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: Object.fromEntries(STRING_OPTIONS.map((k) => [k, { type: 'string' as const }])), strict: true }));
  } catch (err) {
    // An unknown option or one without its value: said with the usage, not a stack trace.
    throw usageError(`tuỳ chọn không hợp lệ (${(err as Error).message}).\n\n${USAGE}`, `${(err as Error).message}\n\n${USAGE}`);
  }
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    throw usageError(`lệnh "${command ?? ''}" không có.\n\n${USAGE}`, `unknown command "${command ?? ''}".\n\n${USAGE}`);
  }
  const options: CliOptions = {};
  for (const k of STRING_OPTIONS) {
    const v = blank(values[k] as string | undefined);
    if (v !== undefined) options[k] = k === 'password' ? v : v.trim();
  }
  options.server ??= blank(env.LOAXA_SERVER)?.trim();
  options.token ??= blank(env.ADMIN_TOKEN)?.trim();
  if (options.station !== undefined && !/^\d{5}$/.test(options.station) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.station)) {
    throw usageError(
      `«--station» phải là mã xã gồm 5 chữ số (ví dụ 10279) hoặc mã định danh của đài (UUID), nhận được "${options.station}".`,
      `--station must be the commune code, 5 digits (e.g. 10279), or the station's id (a UUID); got "${options.station}".`,
    );
  }
  if (options.code !== undefined && !/^\d{5}$/.test(options.code)) {
    throw usageError(`«--code» phải là mã xã gồm 5 chữ số, nhận được "${options.code}".`, `--code must be the 5-digit commune code, got "${options.code}".`);
  }
  return { command: command as Command, options };
}

/** "Cán bộ Bản Hồ" → "can.bo.ban.ho": a login a person can type on any keyboard (3–50 of a-z 0-9 . _ -). */
export function loginFromName(name: string): string {
  const plain = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 50)
    .replace(/\.+$/, '');
  return plain.length >= 3 ? plain : `user.${plain}`.replace(/\.$/, '');
}
