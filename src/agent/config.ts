import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_HEARTBEAT_SEC } from '../wire/station-protocol.js';

/**
 * The agent's settings, from command-line options or the environment (options win). Parsing is pure apart from
 * reading `--token-file`, so it can be tested and so a bad value stops the agent before it touches the disk.
 */
export interface AgentConfig {
  /** Base URL of the Loa xã service, without a trailing slash. */
  readonly server: string;
  readonly token: string;
  /** Where the agent keeps its manifest, media cache, journals and status file. */
  readonly dir: string;
  /** A command template containing `{file}`, or null to only log what would play. */
  readonly player: string | null;
  /** Manifest poll interval while the live channel is down or the service's fan-out is degraded. */
  readonly pollSec: number;
  /** Manifest poll interval while the live channel is up and fanning out: a safety net only. */
  readonly pollSecLive: number;
  /** How often a health heartbeat is posted to the service. */
  readonly heartbeatSec: number;
  readonly cacheMaxBytes: number;
  /** Disk space always left free for the rest of the system, whatever the cap says. */
  readonly minFreeBytes: number;
  /** How late a normal or priority airing may still be started (emergencies play until their end). */
  readonly lateStartSec: number;
  /** How long a file no airing needs is kept before it is removed (it is evicted sooner when space is short). */
  readonly keepUnneededSec: number;
  readonly reportBatch: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Per-request timeout for manifest and report calls; downloads use it as an idle (no bytes) timeout. */
  readonly httpTimeoutSec: number;
}

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

interface OptionSpec {
  readonly env: string;
  readonly help: string;
  readonly flag?: boolean;
}

const OPTIONS = {
  server: { env: 'LOAXA_SERVER', help: 'base URL of the Loa xã service, e.g. https://loaxa.example.vn' },
  token: { env: 'LOAXA_TOKEN', help: 'this device\'s token (lxs_…; the station token is its first device); prefer --token-file or the environment: argv is visible in ps' },
  'token-file': { env: 'LOAXA_TOKEN_FILE', help: 'read the device token from this file' },
  dir: { env: 'LOAXA_DIR', help: 'data directory (manifest, media cache, journals, status.json)' },
  player: { env: 'LOAXA_PLAYER', help: 'player command with {file}, e.g. "mpg123 -q {file}"; without it the agent logs what it would play' },
  'poll-sec': { env: 'LOAXA_POLL_SEC', help: 'manifest poll interval in seconds while the live channel is down, jittered ±20% (default 60)' },
  'poll-sec-live': { env: 'LOAXA_POLL_SEC_LIVE', help: 'manifest poll interval in seconds while the live channel is up (default 300, i.e. 5 × --poll-sec)' },
  'heartbeat-sec': { env: 'LOAXA_HEARTBEAT_SEC', help: 'health heartbeat interval in seconds (default 60)' },
  'cache-max-mb': { env: 'LOAXA_CACHE_MAX_MB', help: 'media cache cap in MB (default 2048)' },
  'min-free-mb': { env: 'LOAXA_MIN_FREE_MB', help: 'disk space always left free, in MB (default 200)' },
  'late-start-sec': { env: 'LOAXA_LATE_START_SEC', help: 'how late an airing may still start, in seconds (default 600)' },
  'keep-unneeded-hours': { env: 'LOAXA_KEEP_UNNEEDED_HOURS', help: 'keep files no airing needs this long (default 6; 0 removes at once)' },
  'report-batch': { env: 'LOAXA_REPORT_BATCH', help: 'play reports per request, 1–1000 (default 500)' },
  'http-timeout-sec': { env: 'LOAXA_HTTP_TIMEOUT_SEC', help: 'request / download idle timeout in seconds (default 30)' },
  'log-level': { env: 'LOAXA_LOG_LEVEL', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  help: { env: '', help: 'show this help', flag: true },
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([name, spec]) => {
    const left = `  --${name}${'flag' in spec ? '' : ' VALUE'}`;
    return `${left.padEnd(30)}${spec.help}${spec.env ? ` [${spec.env}]` : ''}`;
  });
  return ['Usage: station-agent --server URL --token TOKEN --dir DIR [--player "CMD {file}"] [options]', '', ...lines].join('\n');
}

/** Splits `--name value` / `--name=value` options; unknown names and missing values are errors. */
export function parseArgv(argv: readonly string[]): Partial<Record<OptionName, string>> {
  const out: Partial<Record<OptionName, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new AgentConfigError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as OptionName;
    const spec: OptionSpec | undefined = (OPTIONS as Record<string, OptionSpec>)[name];
    if (!spec) throw new AgentConfigError(`unknown option --${name}`);
    if (spec.flag) {
      out[name] = 'true';
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new AgentConfigError(`--${name} needs a value`);
      i++;
    }
    out[name] = value;
  }
  return out;
}

export type ParsedArgs = { help: true } | { help: false; config: AgentConfig };

/**
 * Options first, then the environment, then defaults. `readFile` is injectable so tests need no files.
 * Every problem is collected so one run names all of them.
 */
export function parseAgentConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): ParsedArgs {
  const args = parseArgv(argv);
  if (args.help) return { help: true };
  const problems: string[] = [];
  const get = (name: OptionName): string | undefined => {
    const v = args[name] ?? (OPTIONS[name].env ? env[OPTIONS[name].env] : undefined);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const number = (name: OptionName, fallback: number, min: number, max: number, integer = false): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`--${name}: must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return n;
  };

  let server = get('server') ?? '';
  if (!server) problems.push(`--server (or ${OPTIONS.server.env}) is required`);
  else {
    try {
      const u = new URL(server);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      if (u.search || u.hash) throw new Error('query');
      server = u.toString().replace(/\/+$/, '');
    } catch {
      problems.push(`--server: must be an absolute http(s) URL without query (got ${JSON.stringify(server)})`);
    }
  }

  let token = get('token');
  const tokenFile = get('token-file');
  if (!token && tokenFile) {
    try {
      token = readFile(tokenFile).trim();
    } catch (err) {
      problems.push(`--token-file: cannot read ${tokenFile}: ${(err as Error).message}`);
    }
  }
  if (!token) problems.push(`--token (or ${OPTIONS.token.env}, or --token-file) is required`);
  else if (/\s/.test(token)) problems.push('--token: must not contain spaces');

  const dir = get('dir');
  if (!dir) problems.push(`--dir (or ${OPTIONS.dir.env}) is required`);

  const player = get('player') ?? null;
  if (player !== null && !player.includes('{file}')) problems.push('--player: the command must contain {file} where the file path goes');

  const logLevel = get('log-level') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  if (!(levels as readonly string[]).includes(logLevel)) problems.push(`--log-level: must be one of ${levels.join(', ')}`);

  const pollSec = number('poll-sec', 60, 0.2, 86_400);
  const config: AgentConfig = {
    server,
    token: token ?? '',
    dir: dir ? path.resolve(dir) : '',
    player,
    pollSec,
    // Follows --poll-sec when only that is set (a test or a lab setting a fast poll keeps a fast safety net).
    pollSecLive: number('poll-sec-live', pollSec * 5, 0.2, 86_400),
    heartbeatSec: number('heartbeat-sec', DEFAULT_HEARTBEAT_SEC, 1, 86_400),
    cacheMaxBytes: Math.round(number('cache-max-mb', 2048, 1, 10_000_000) * 1024 * 1024),
    minFreeBytes: Math.round(number('min-free-mb', 200, 0, 10_000_000) * 1024 * 1024),
    lateStartSec: number('late-start-sec', 600, 0, 86_400),
    keepUnneededSec: number('keep-unneeded-hours', 6, 0, 24 * 365) * 3600,
    reportBatch: number('report-batch', 500, 1, 1000, true),
    httpTimeoutSec: number('http-timeout-sec', 30, 1, 3600),
    logLevel: logLevel as AgentConfig['logLevel'],
  };
  if (problems.length > 0) throw new AgentConfigError(problems.join('\n'));
  return { help: false, config: Object.freeze(config) };
}
