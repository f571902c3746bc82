import crypto from 'node:crypto';
import { CliError, usageError } from './cli-error.js';
import type { ServiceClient } from './service-client.js';
import { loginFromName, type CliOptions } from './options.js';

const ROOT_AREA_ID = '00000000-0000-4000-8000-000000000001';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 1000;
/** The users list pages by at most 500. */
const USER_PAGE = 500;

interface StationRef {
  id: string;
  code: string;
  name: string;
  areaId?: string;
}
interface AreaRef {
  id: string;
  code: string | null;
  name: string;
  kind: string;
}
interface UserRef {
  id: string;
  login: string;
  displayName: string;
  role: string;
  areaId: string;
  stationId: string | null;
}

/** A station by its id or by its commune code (5 digits), as the service lists it. */
async function findStation(api: ServiceClient, ref: string): Promise<StationRef> {
  if (UUID.test(ref)) return api.call<StationRef>('GET', `/stations/${ref}`);
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.call<{ items: StationRef[]; total: number }>('GET', `/stations?code=${encodeURIComponent(ref)}&limit=${PAGE}&offset=${offset}`);
    const found = page.items.find((s) => s.code === ref);
    if (found) return found;
    if (offset + page.items.length >= page.total || page.items.length === 0) break;
  }
  throw new CliError(`Không có đài nào có mã xã ${ref}.`, `No station has the commune code ${ref}.`);
}

/** An area by its id or its administrative code. */
async function findArea(api: ServiceClient, ref: string): Promise<AreaRef> {
  if (UUID.test(ref)) return api.call<AreaRef>('GET', `/areas/${ref}`);
  const { items } = await api.call<{ items: AreaRef[] }>('GET', '/areas?shape=flat');
  const found = items.find((a) => a.code === ref);
  if (!found) throw new CliError(`Không có địa bàn nào có mã ${ref}.`, `No area has the code ${ref}.`);
  return found;
}

async function findUser(api: ServiceClient, login: string): Promise<UserRef> {
  const wanted = login.trim().toLowerCase();
  for (let offset = 0; ; offset += USER_PAGE) {
    const page = await api.call<{ items: UserRef[]; total: number }>('GET', `/users?login=${encodeURIComponent(login.trim())}&limit=${USER_PAGE}&offset=${offset}`);
    const found = page.items.find((u) => u.login.toLowerCase() === wanted) ?? page.items.find((u) => u.displayName === login.trim());
    if (found) return found;
    if (offset + page.items.length >= page.total || page.items.length === 0) break;
  }
  throw new CliError(`Không có người dùng nào có tên đăng nhập "${login}".`, `No user has the login "${login}".`);
}

/** A password nobody types: the account is for a script, or its owner sets their own at first sign-in. */
const randomPassword = () => crypto.randomBytes(15).toString('base64url');

/** The commands, through the running service's API: the service judges and records them as it would the dashboard's. */
export async function runViaApi(api: ServiceClient, command: string, o: CliOptions): Promise<Record<string, unknown>> {
  if (command === 'user:create') {
    if (!o.name) throw usageError('cần «--name» (họ và tên).', '--name is required (display name).');
    if (!o.role) throw usageError('cần «--role» (admin, editor, operator hoặc viewer).', '--role is required (admin, editor, operator or viewer).');
    const station = o.station ? await findStation(api, o.station) : null;
    const area = o.area ? await findArea(api, o.area) : null;
    const me = area || station?.areaId ? null : await api.call<{ areaId?: string | null }>('GET', '/me');
    // Without one: the caller's own area (ADMIN_TOKEN acts for the root).
    const areaId = area?.id ?? station?.areaId ?? me?.areaId ?? ROOT_AREA_ID;
    const login = o.login ?? loginFromName(o.name);
    const password = o.password ?? randomPassword();
    const user = await api.call<UserRef>('POST', '/users', {
      login,
      displayName: o.name,
      password,
      role: o.role,
      areaId,
      ...(station ? { stationId: station.id } : {}),
    });
    const token = await api.call<{ token: string }>('POST', `/users/${user.id}/tokens`, o.label ? { label: o.label } : {});
    return {
      userId: user.id,
      login: user.login,
      name: user.displayName,
      role: user.role,
      areaId: user.areaId,
      stationId: user.stationId,
      token: token.token,
      ...(o.password ? {} : { temporaryPassword: password }),
    };
  }
  if (command === 'token:create') {
    const who = o.login ?? o.name;
    if (!who) throw usageError('cần «--login» (hoặc «--name») của người dùng.', "--login (or --name) of the user is required.");
    const user = await findUser(api, who);
    const token = await api.call<{ token: string }>('POST', `/users/${user.id}/tokens`, o.label ? { label: o.label } : {});
    return { userId: user.id, login: user.login, name: user.displayName, token: token.token };
  }
  // station:create
  if (!o.code || !o.name) throw usageError('cần «--code» (mã xã 5 chữ số) và «--name».', '--code (the 5-digit commune code) and --name are required.');
  const area = o.area ? await findArea(api, o.area) : null;
  const created = await api.call<StationRef & { token: string; webhookSecret: string; timezone: string }>('POST', '/stations', {
    code: o.code,
    name: o.name,
    ...(o.timezone ? { timezone: o.timezone } : {}),
    ...(area ? { areaId: area.id } : {}),
  });
  return { stationId: created.id, code: created.code, name: created.name, areaId: created.areaId, timezone: created.timezone, token: created.token, webhookSecret: created.webhookSecret };
}
