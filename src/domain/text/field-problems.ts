import type { z } from 'zod';
import { sentence, viNumber } from './bilingual.js';

/** Where a request carried the value: people fix a link differently from a form. */
export type InputLocation = 'body' | 'path' | 'query';

/** One refused field, as the API answers it (`details[]` of a VALIDATION_FAILED). */
export interface FieldProblem {
  readonly field: string;
  readonly location: InputLocation;
  readonly rule: string;
  /** English, as before (kept for the clients that read it). */
  readonly message: string;
  readonly messageEn: string;
  readonly messageVi: string;
}

/**
 * The words people see for API fields (GLOSSARY.md); a field not listed is named as the API spells it, in «».
 * Keyed by the last path segment: `grid.2.start` is a slot's «Giờ bắt đầu».
 */
export const FIELD_LABELS_VI: Readonly<Record<string, string>> = {
  id: 'Mã định danh',
  from: 'Từ ngày',
  to: 'Đến ngày',
  preset: 'Kỳ báo cáo',
  year: 'Năm',
  groupBy: 'Cách nhóm',
  format: 'Định dạng tệp',
  lang: 'Ngôn ngữ báo cáo',
  episodeId: 'Chương trình',
  stationId: 'Đài truyền thanh xã',
  stationIds: 'Danh sách đài',
  deviceId: 'Thiết bị',
  airingId: 'Lượt phát theo lịch',
  planId: 'Kế hoạch phát',
  airingsPerStation: 'Số lượt phát mỗi đài',
  priority: 'Mức ưu tiên',
  minGapHours: 'Khoảng cách tối thiểu (giờ)',
  startsAt: 'Thời điểm phát',
  startedAt: 'Thời điểm bắt đầu phát',
  durationSec: 'Thời lượng (giây)',
  durationMin: 'Thời lượng (phút)',
  limit: 'Số dòng mỗi trang',
  offset: 'Vị trí bắt đầu',
  status: 'Trạng thái',
  active: 'Đang hoạt động',
  kind: 'Loại cảnh báo',
  code: 'Mã xã',
  name: 'Tên',
  timezone: 'Múi giờ',
  webhookUrl: 'Địa chỉ nhận thông báo',
  grid: 'Khung giờ phát sóng',
  days: 'Ngày trong tuần',
  start: 'Giờ bắt đầu',
  rendition: 'Bản chuyển mã',
  title: 'Tiêu đề',
  series: 'Chuyên mục',
  language: 'Ngôn ngữ',
  description: 'Mô tả',
  urgent: 'Khẩn cấp',
  text: 'Nội dung bản tin',
  rate: 'Tốc độ đọc (từ mỗi phút)',
  plays: 'Danh sách lượt phát',
  eventId: 'Mã sự kiện',
  source: 'Nguồn',
  reason: 'Lý do',
  file: 'Tệp',
  exp: 'Hạn của liên kết',
  sig: 'Chữ ký của liên kết',
  login: 'Tên đăng nhập',
  password: 'Mật khẩu',
  displayName: 'Họ và tên',
  role: 'Vai trò',
  quietStart: 'Giờ nghỉ bắt đầu',
  quietEnd: 'Giờ nghỉ kết thúc',
  maxSessionMin: 'Thời lượng tối đa một buổi phát (phút)',
};

/** What to type instead, for fields whose form a rule alone does not explain. */
const FIELD_HINTS_VI: Readonly<Record<string, string>> = {
  code: 'gồm đúng 5 chữ số (mã đơn vị hành chính cấp xã)',
  timezone: 'dùng tên múi giờ chuẩn, ví dụ Asia/Ho_Chi_Minh',
  start: 'dùng dạng giờ 24 giờ HH:MM, ví dụ 06:30',
  quietStart: 'dùng dạng giờ 24 giờ HH:MM, ví dụ 22:00',
  quietEnd: 'dùng dạng giờ 24 giờ HH:MM, ví dụ 05:00',
  language: 'dùng mã ngôn ngữ, ví dụ vi',
  file: 'dùng dạng <mã chương trình>.mp3 hoặc .opus',
};

const FORMAT_VI: Readonly<Record<string, string>> = {
  uuid: 'phải có dạng mã UUID, ví dụ 123e4567-e89b-42d3-a456-426614174000',
  guid: 'phải có dạng mã UUID, ví dụ 123e4567-e89b-42d3-a456-426614174000',
  date: 'không phải ngày hợp lệ: dùng dạng 2026-12-31',
  datetime: 'không phải thời điểm hợp lệ: dùng dạng 2026-12-31T06:00:00+07:00 (có múi giờ)',
  time: 'không phải giờ hợp lệ: dùng dạng 06:30',
  url: 'phải là một địa chỉ đầy đủ, bắt đầu bằng "https://" hoặc "http://"',
  email: 'không phải địa chỉ thư điện tử hợp lệ',
};

const TYPE_VI: Readonly<Record<string, string>> = {
  string: 'phải là văn bản',
  number: 'phải là một số',
  int: 'phải là số nguyên',
  bigint: 'phải là số nguyên',
  boolean: 'phải là "true" hoặc "false"',
  array: 'phải là một danh sách',
  object: 'phải là một đối tượng JSON',
  date: 'phải là ngày giờ',
};

const UNIT_VI: Readonly<Record<string, string>> = { string: 'ký tự', array: 'mục', set: 'mục', file: 'byte' };

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface DescribeOptions {
  readonly location: InputLocation;
  /** The value that was parsed, when known: tells a missing field from a wrong one. Relative to `path`. */
  readonly input?: unknown;
  /** Prefix for every path (a single path parameter parsed alone is named by it). */
  readonly path?: Path;
}

/** How an item of a list is called: the slots of a grid are counted as people count them. */
const itemVi = (owner: PropertyKey | undefined, n: number) => (owner === 'grid' ? `khung giờ ${n}` : owner === 'plays' ? `lượt phát ${n}` : `mục ${n}`);

/**
 * Label of a field in Vietnamese, in «»: `grid.2.start` is «Giờ bắt đầu» (khung giờ 3), `stationIds.0` is
 * mục 1 của «Danh sách đài».
 */
export function fieldLabelVi(path: Path): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names.at(-1);
  const trailing = typeof path.at(-1) === 'number' ? (path.at(-1) as number) : null;
  const inner = path.flatMap((p, i) => (typeof p === 'number' && i < path.length - (trailing === null ? 0 : 1) ? [itemVi(path[i - 1], p + 1)] : []));
  const label = last === undefined ? '' : `«${FIELD_LABELS_VI[last] ?? last}»`;
  const head = trailing === null ? label : label ? `${itemVi(path.at(-2), trailing + 1)} của ${label}` : itemVi(undefined, trailing + 1);
  return inner.length > 0 ? `${head} (${inner.join(', ')})` : head;
}

const SUBJECT_OF_LOCATION = {
  body: { whole: 'Nội dung gửi lên', field: (l: string) => l },
  query: { whole: 'Tham số trên đường dẫn', field: (l: string) => `Tham số ${l}` },
  path: { whole: 'Đường dẫn', field: (l: string) => `${l} trong đường dẫn` },
} as const;

const EN_LOCATION = { body: '', query: 'query parameter ', path: 'path parameter ' } as const;

/** Turns zod's issues into problems a person can act on, one per field, in both languages. */
export function describeIssues(issues: readonly Issue[], opts: DescribeOptions): FieldProblem[] {
  const root = opts.path ?? [];
  const isMissing = (issue: Issue, path: Path) =>
    issue.code !== 'unrecognized_keys' && issue.code !== 'custom' && path.length > 0 && ('input' in opts ? valueAt(opts.input, path.slice(root.length)) === undefined : /received undefined/.test(issue.message));
  return issues
    .flatMap((issue) => flattenUnion(issue, root, isMissing))
    .map(({ issue, path }) => describeOne(issue, path, isMissing(issue, path), opts.location));
}

/**
 * A union's issue says only "invalid input": answer with the branch that came closest, i.e. the one with the
 * fewest missing fields, then of the value's own type, then with the fewest problems (`preset=Q4` is a wrong
 * preset, not a missing `from`; `stationIds: []` is too short a list, not a wrong "all").
 */
function flattenUnion(issue: Issue, prefix: Path, isMissing: (i: Issue, p: Path) => boolean): { issue: Issue; path: Path }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path }];
  // A branch of another type altogether ("all" for a list) is further off than one whose constraint failed.
  const offType = (i: Issue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const score = (branch: readonly Issue[]) =>
    branch.filter((i) => isMissing(i, [...path, ...i.path])).length * 1000 + branch.filter(offType).length * 100 + branch.length;
  // Of another type in every branch ("all" or a list, given a number): name the alternatives together.
  if (issue.errors.every((branch) => branch.some(offType))) return [{ issue, path }];
  const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]!;
  // A value refused by every branch may be any the branches allow (preset: H1, H2, year or month).
  const allowed = (at: string) => [
    ...new Set(issue.errors.flat().flatMap((i) => (i.code === 'invalid_value' && i.path.join('.') === at ? i.values : []))),
  ];
  return best
    .map((i) => (i.code === 'invalid_value' ? { ...i, values: allowed(i.path.join('.')) } : i))
    .flatMap((i) => flattenUnion(i, path, isMissing));
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeOne(issue: Issue, path: Path, missing: boolean, location: InputLocation): FieldProblem {
  const field = path.map(String).join('.');
  const where = SUBJECT_OF_LOCATION[location];
  const label = fieldLabelVi(path);
  const last = path.filter((p): p is string => typeof p === 'string').at(-1) ?? '';
  const vi = sentence(`${label ? where.field(label) : where.whole} ${problemVi(issue, missing, FIELD_HINTS_VI[last])}`);
  const shown = field || (location === 'body' ? '(body)' : `(${location})`);
  return { field: shown, location, rule: issue.code, message: issue.message, messageEn: `${EN_LOCATION[location]}${shown}: ${issue.message}`, messageVi: vi };
}

function problemVi(issue: Issue, missing: boolean, hint: string | undefined): string {
  const withHint = (text: string) => (hint ? `${text}: ${hint}` : text);
  if (missing) return withHint('là bắt buộc');
  switch (issue.code) {
    case 'invalid_type':
      return withHint(TYPE_VI[issue.expected] ?? 'sai kiểu dữ liệu');
    case 'invalid_format': {
      const known = FORMAT_VI[issue.format];
      if (hint) return `không đúng dạng: ${hint}`;
      if (known) return known;
      return 'không đúng định dạng';
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v) ?? String(v));
      return values.length === 1 ? `phải là ${values[0]}` : `phải là một trong các giá trị: ${values.join(', ')}`;
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      const unit = UNIT_VI[issue.origin];
      if (unit) {
        if (n <= 1 && issue.inclusive !== false) return issue.origin === 'string' ? 'không được để trống' : 'phải có ít nhất một mục';
        return `phải có ít nhất ${viNumber(issue.inclusive === false ? n + 1 : n)} ${unit}`;
      }
      return issue.inclusive === false ? `phải lớn hơn ${viNumber(n)}` : `phải từ ${viNumber(n)} trở lên`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      const unit = UNIT_VI[issue.origin];
      if (unit) return `dài quá: tối đa ${viNumber(issue.inclusive === false ? n - 1 : n)} ${unit}`;
      return issue.inclusive === false ? `phải nhỏ hơn ${viNumber(n)}` : `không được lớn hơn ${viNumber(n)}`;
    }
    case 'not_multiple_of':
      return `phải là bội số của ${viNumber(Number(issue.divisor))}`;
    case 'unrecognized_keys':
      return `có trường không được hỗ trợ: ${issue.keys.map((k) => `«${k}»`).join(', ')}`;
    case 'invalid_union': {
      const alternatives = issue.errors.flatMap((branch) =>
        branch.flatMap((i) => {
          if (i.path.length > 0) return [];
          if (i.code === 'invalid_value') return i.values.map((v) => JSON.stringify(v) ?? String(v));
          if (i.code === 'invalid_type') return [(TYPE_VI[i.expected] ?? '').replace(/^phải là /, '')].filter(Boolean);
          return [];
        }),
      );
      return alternatives.length > 0 ? withHint(`phải là ${[...new Set(alternatives)].join(' hoặc ')}`) : withHint('không hợp lệ');
    }
    case 'invalid_key':
    case 'invalid_element':
      return 'có phần tử không hợp lệ';
    // A refinement says it in Vietnamese itself: `params: { messageVi }`, the words after the field's label.
    case 'custom': {
      const vi = (issue.params as { messageVi?: unknown } | undefined)?.messageVi;
      return typeof vi === 'string' ? vi : withHint('không hợp lệ');
    }
    default:
      return withHint('không hợp lệ');
  }
}

