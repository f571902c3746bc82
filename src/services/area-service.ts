import crypto from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { areasRepo, type AreaKind, type AreaRow } from '../db/areas-repo.js';
import type { AccessPrincipal } from '../domain/access/policy.js';
import { accessService, ROOT_AREA_ID } from './access.js';
import { auditService, changedFields, type ActingContext } from './audit-service.js';
import { notFoundError, ServiceError } from './errors.js';

/** Kinds people create; the root exists once, made by the migration. */
export const AREA_KINDS_CREATED = ['province', 'grouping', 'commune'] as const;
type CreatedKind = (typeof AREA_KINDS_CREATED)[number];

// Kind and code are judged by the service: their rules depend on each other, and the words differ by kind.
export const createAreaSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    code: z.string().trim().nullable().optional().meta({ description: 'Official administrative code: province 2 digits, grouping (former district) 3, commune 5' }),
    parentId: z.uuid().optional().meta({ description: 'Default: the root area' }),
    kind: z.string().optional().meta({ description: 'province, grouping or commune; default: by the code (2 digits province, 5 commune), else province under the root and grouping elsewhere' }),
  })
  .strict();

export const updateAreaSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    code: z.string().trim().nullable().optional(),
    parentId: z.uuid().optional().meta({ description: 'Move the area (with everything below it) under another' }),
    kind: z.string().optional(),
    active: z.boolean().optional().meta({ description: 'false deactivates the area and everything below it; refused while active stations or users remain' }),
  })
  .strict();

export interface AreaView {
  id: string;
  parentId: string | null;
  kind: AreaKind;
  name: string;
  code: string | null;
  path: string;
  /** 0 for the root, 1 for a province, … */
  depth: number;
  active: boolean;
  /** Stations and users directly in this area, and its child areas. */
  stations?: number;
  users?: number;
  children?: number;
  createdAt: string;
  updatedAt: string;
}

export type AreaTreeNode = AreaView & { subareas: AreaTreeNode[] };

export const depthOf = (path: string): number => path.split('/').filter(Boolean).length - 1;

export function toAreaView(a: AreaRow & { stations?: number; users?: number; children?: number }): AreaView {
  return {
    id: a.id,
    parentId: a.parentId,
    kind: a.kind,
    name: a.name,
    code: a.code,
    path: a.path,
    depth: depthOf(a.path),
    active: a.active,
    ...(a.stations !== undefined ? { stations: a.stations, users: a.users!, children: a.children! } : {}),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** The flat list (parents before children) as a tree; areas whose parent is outside the list are its roots. */
export function areaTree(flat: readonly AreaView[]): AreaTreeNode[] {
  const nodes = new Map(flat.map((a) => [a.id, { ...a, subareas: [] as AreaTreeNode[] }]));
  const roots: AreaTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.subareas.push(node);
    else roots.push(node);
  }
  return roots;
}

const KIND_VI: Record<AreaKind, string> = { root: 'toàn hệ thống', province: 'tỉnh', grouping: 'cụm xã', commune: 'xã' };
const CODE_DIGITS: Record<CreatedKind, number> = { province: 2, grouping: 3, commune: 5 };

const invalid = (field: string, code: string, en: string, vi: string) => new ServiceError('invalid', code, `${field}: ${en}`, vi, [{ field, rule: code, message: en, messageEn: `${field}: ${en}`, messageVi: vi }]);

function parseKind(kind: string | undefined, field = 'kind'): CreatedKind | undefined {
  if (kind === undefined) return undefined;
  if ((AREA_KINDS_CREATED as readonly string[]).includes(kind)) return kind as CreatedKind;
  throw invalid(field, 'VALIDATION_FAILED', 'must be province, grouping or commune', '«Loại địa bàn» phải là province (tỉnh), grouping (cụm xã) hoặc commune (xã)');
}

/** An empty code means none; otherwise it has the digits of its kind. */
function checkCode(code: string | null | undefined, kind: AreaKind): string | null | undefined {
  if (code === undefined) return undefined;
  if (code === null || code === '') return null;
  if (kind === 'root') throw invalid('code', 'VALIDATION_FAILED', 'the root area has no code', '«Mã hành chính»: địa bàn gốc không có mã');
  const digits = CODE_DIGITS[kind];
  if (!new RegExp(`^[0-9]{${digits}}$`).test(code)) {
    throw invalid('code', 'VALIDATION_FAILED', `a ${kind} code has exactly ${digits} digits`, `«Mã hành chính» của ${KIND_VI[kind]} phải gồm đúng ${digits} chữ số (hiện là "${code}")`);
  }
  return code;
}

/** Where each kind may sit: provinces under the root; a commune holds nothing; a grouping not under the root. */
function checkPlacement(kind: AreaKind, parent: AreaRow): void {
  if (parent.kind === 'commune') {
    throw new ServiceError('invalid', 'COMMUNE_HAS_NO_CHILDREN', 'parentId: a commune cannot contain other areas', `Xã «${parent.name}» là cấp cuối, không chứa địa bàn khác: hãy chọn tỉnh hoặc cụm xã làm «Địa bàn cấp trên»`);
  }
  if (kind === 'province' && parent.kind !== 'root') {
    throw new ServiceError('invalid', 'PROVINCE_UNDER_ROOT', 'parentId: a province sits directly under the root area', 'Tỉnh phải nằm ngay dưới địa bàn gốc (toàn hệ thống)');
  }
  if (kind === 'grouping' && parent.kind === 'root') {
    throw new ServiceError('invalid', 'GROUPING_UNDER_PROVINCE', 'parentId: a grouping sits inside a province', 'Cụm xã phải nằm trong một tỉnh');
  }
}

const codeTaken = (code: string) => new ServiceError('conflict', 'CODE_TAKEN', `An area with code ${code} already exists`, `Đã có địa bàn mang mã ${code}`, { code });

const isUniqueViolation = (err: unknown, constraint: string) => (err as { code?: string }).code === '23505' && String((err as { constraint?: string; message?: string }).constraint ?? (err as Error).message).includes(constraint);

/** What an edit of an area shows in the audit log. */
const auditedArea = (a: AreaRow) => ({ name: a.name, code: a.code, kind: a.kind, parentId: a.parentId, path: a.path, active: a.active });

/** The area tree: provinces, optional groupings (a former district), communes; every station sits in one area. */
export function areaService(deps: { db: Database }) {
  const repo = areasRepo(deps.db);
  const access = accessService(deps.db);
  const audit = auditService({ db: deps.db });

  async function view(p: AccessPrincipal, id: string): Promise<AreaView> {
    await access.area(p, 'area.read', id);
    const [counted] = await repo.list({ within: null, id });
    if (!counted) throw notFoundError('area', 'địa bàn');
    return toAreaView(counted);
  }

  return {
    view,

    async list(p: AccessPrincipal, opts: { active?: boolean } = {}): Promise<AreaView[]> {
      const scope = access.scope(p, 'area.read');
      return (await repo.list({ within: scope, active: opts.active })).map(toAreaView);
    },

    async create(ctx: ActingContext, input: z.infer<typeof createAreaSchema>): Promise<AreaView> {
      const parentId = input.parentId ?? ROOT_AREA_ID;
      // Unknown parents answer 404-as-invalid before any scope is revealed.
      const parent = await repo.get(parentId);
      if (!parent) throw invalid('parentId', 'UNKNOWN_AREA', 'no such area', '«Địa bàn cấp trên» không tồn tại');
      await access.area(ctx.principal, 'area.manage', parentId);
      if (!parent.active) throw new ServiceError('invalid', 'AREA_INACTIVE', 'parentId: that area is deactivated', `Địa bàn «${parent.name}» đã ngừng hoạt động`);
      const code = input.code === undefined || input.code === null || input.code === '' ? null : input.code;
      const kind: CreatedKind =
        parseKind(input.kind) ?? (code?.length === 5 ? 'commune' : code?.length === 2 ? 'province' : code?.length === 3 ? 'grouping' : parent.kind === 'root' ? 'province' : 'grouping');
      checkCode(code, kind);
      checkPlacement(kind, parent);
      if (code && (await repo.byCode(code))) throw codeTaken(code);
      const id = crypto.randomUUID();
      try {
        const created = await deps.db.transaction(async (tx) => {
          const a = await areasRepo(tx).insert({ id, parentId, kind, name: input.name, code, path: `${parent.path}${id}/` });
          await audit.record(ctx, { action: 'area.create', targetType: 'area', targetId: id, areaPath: a.path, after: auditedArea(a) }, tx);
          return a;
        });
        return toAreaView({ ...created, stations: 0, users: 0, children: 0 });
      } catch (err) {
        if (code && isUniqueViolation(err, 'code')) throw codeTaken(code);
        throw err;
      }
    },

    /** Rename, recode, change kind, move (the whole subtree's paths in one transaction) or deactivate. */
    async update(ctx: ActingContext, id: string, patch: z.infer<typeof updateAreaSchema>): Promise<AreaView> {
      await access.area(ctx.principal, 'area.manage', id);
      try {
        await deps.db.transaction(async (tx) => {
          const areas = areasRepo(tx);
          const current = await areas.getForUpdate(id);
          if (!current) throw notFoundError('area', 'địa bàn');
          const isRoot = current.kind === 'root';
          if (isRoot && (patch.parentId !== undefined || patch.kind !== undefined || patch.active === false || (patch.code !== undefined && patch.code !== null && patch.code !== ''))) {
            throw new ServiceError('invalid', 'ROOT_AREA_FIXED', 'The root area can only be renamed', 'Địa bàn gốc (toàn hệ thống) chỉ đổi được tên');
          }
          const kind: AreaKind = parseKind(patch.kind) ?? current.kind;
          const code = checkCode(patch.code === undefined && kind !== current.kind ? current.code : patch.code, kind);
          if (code && code !== current.code && (await areas.byCode(code))) throw codeTaken(code);

          let path = current.path;
          const parentId = patch.parentId ?? current.parentId;
          if (!isRoot && (patch.parentId !== undefined || kind !== current.kind)) {
            const parent = await areas.get(parentId!);
            if (!parent) throw invalid('parentId', 'UNKNOWN_AREA', 'no such area', '«Địa bàn cấp trên» không tồn tại');
            if (parent.path.startsWith(current.path)) {
              throw new ServiceError('invalid', 'AREA_CYCLE', 'parentId: an area cannot move under itself or below itself', `Không thể chuyển «${current.name}» vào chính nó hoặc vào địa bàn bên dưới nó`);
            }
            // Moving is managing both places: the caller must hold the new parent as well.
            access.assert(ctx.principal, 'area.manage', { areaPath: parent.path });
            checkPlacement(kind, parent);
            if (parentId !== current.parentId) path = `${parent.path}${id}/`;
          }
          if (kind !== current.kind) {
            const below = await areas.kindsBelow(current.path);
            if (kind === 'commune' && below.length > 0) {
              throw new ServiceError('invalid', 'COMMUNE_HAS_NO_CHILDREN', 'kind: an area with areas below it cannot become a commune', `«${current.name}» còn địa bàn bên dưới nên không thể là xã`);
            }
          }
          if (patch.active === false && current.active) {
            const used = await areas.inUseBelow(current.path);
            if (used.stations > 0 || used.users > 0) {
              throw new ServiceError(
                'conflict',
                'AREA_IN_USE',
                `The area still has ${used.stations} active station(s) and ${used.users} active user(s) at or below it; move or deactivate them first`,
                `Địa bàn «${current.name}» còn ${used.stations} đài đang hoạt động và ${used.users} người dùng đang hoạt động: hãy chuyển hoặc ngừng hoạt động chúng trước`,
                used,
              );
            }
          }
          if (patch.active === true && !current.active && current.parentId) {
            const parent = await areas.get(current.parentId);
            if (parent && !parent.active) throw new ServiceError('invalid', 'AREA_INACTIVE', 'the parent area is deactivated; reactivate it first', `Địa bàn cấp trên «${parent.name}» đang ngừng hoạt động: hãy kích hoạt nó trước`);
          }

          await areas.update(id, { name: patch.name, code, kind: kind !== current.kind ? kind : undefined, active: patch.active === true ? true : undefined });
          if (path !== current.path) await areas.move(id, parentId!, current.path, path);
          if (patch.active === false && current.active) await areas.deactivateSubtree(path);
          const after = (await areas.get(id))!;
          const diff = changedFields(auditedArea(current), auditedArea(after));
          if (Object.keys(diff.after).length > 0) {
            const action = path !== current.path ? 'area.move' : patch.active === false && current.active ? 'area.deactivate' : 'area.update';
            await audit.record(ctx, { action, targetType: 'area', targetId: id, areaPath: after.path, ...diff }, tx);
          }
        });
      } catch (err) {
        if (typeof patch.code === 'string' && isUniqueViolation(err, 'code')) throw codeTaken(patch.code);
        throw err;
      }
      return view(ctx.principal, id);
    },
  };
}

export type AreaService = ReturnType<typeof areaService>;
