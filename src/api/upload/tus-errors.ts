import { ERRORS, HEADERS } from '@tus/server';
import { ZodError } from 'zod';
import { diskFull, HttpError, zodToHttp } from '../errors.js';
import { isOutOfSpace } from '../../storage/disk-space.js';
import { tooLarge } from './multipart-upload.js';

/**
 * @tus/server's refusals (plain-text bodies) as the API's own errors: a stable code, Vietnamese and English, the
 * header at fault named in `details`. Null for what is the server's own failure (answered 500 and logged).
 */
type TusError = { status_code: number; body: string };

const field = (name: string, rule: string, en: string) => [{ field: name, rule, message: en }];

const BY_TUS_ERROR = new Map<TusError, (maxBytes: number) => HttpError>([
  [ERRORS.ERR_MAX_SIZE_EXCEEDED, (max) => tooLarge(max)],
  [
    ERRORS.ERR_SIZE_EXCEEDED,
    () => new HttpError(413, 'BEYOND_UPLOAD_LENGTH', 'More bytes were sent than the Upload-Length declared when the upload was created', 'Gửi nhiều dữ liệu hơn kích thước tệp đã khai báo trong tiêu đề «Upload-Length»'),
  ],
  [ERRORS.FILE_NOT_FOUND, () => uploadNotFound()],
  [ERRORS.FILE_NO_LONGER_EXISTS, () => new HttpError(410, 'UPLOAD_EXPIRED', 'This upload has expired; upload the file again', 'Lượt tải lên này đã hết hạn, vui lòng tải tệp lên lại từ đầu')],
  [
    ERRORS.INVALID_OFFSET,
    () => new HttpError(409, 'OFFSET_MISMATCH', 'Upload-Offset does not match the bytes already received (ask with HEAD)', 'Tiêu đề «Upload-Offset» không khớp với số byte máy chủ đã nhận: hỏi lại vị trí bằng yêu cầu «HEAD» rồi gửi tiếp', field('Upload-Offset', 'mismatch', 'does not match the stored offset')),
  ],
  [ERRORS.INVALID_LENGTH, () => new HttpError(400, 'VALIDATION_FAILED', 'Upload-Length: required, a whole number of bytes', 'Cần khai báo kích thước tệp trong tiêu đề «Upload-Length» (số byte nguyên)', field('Upload-Length', 'required', 'required'))],
  [
    ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION,
    () => new HttpError(400, 'VALIDATION_FAILED', 'Upload-Length: the file size is required when the upload is created', 'Cần khai báo kích thước tệp trong tiêu đề «Upload-Length» khi bắt đầu tải lên', field('Upload-Length', 'required', 'required')),
  ],
  [
    ERRORS.INVALID_METADATA,
    () => new HttpError(400, 'VALIDATION_FAILED', 'Upload-Metadata: comma-separated "key base64value" pairs', 'Tiêu đề «Upload-Metadata» không hợp lệ: cần các cặp «khoá giá_trị_base64» cách nhau bằng dấu phẩy', field('Upload-Metadata', 'format', 'comma-separated "key base64value" pairs')),
  ],
  [ERRORS.MISSING_OFFSET, () => new HttpError(400, 'VALIDATION_FAILED', 'Upload-Offset: required', 'Thiếu tiêu đề «Upload-Offset»', field('Upload-Offset', 'required', 'required'))],
  [
    ERRORS.INVALID_CONTENT_TYPE,
    () => new HttpError(415, 'CONTENT_TYPE_REQUIRED', 'Content-Type: must be application/offset+octet-stream', 'Tiêu đề «Content-Type» phải là «application/offset+octet-stream»', field('Content-Type', 'format', 'application/offset+octet-stream')),
  ],
  [ERRORS.ABORTED, () => new HttpError(400, 'UPLOAD_SUPERSEDED', 'A newer request for this upload took over; ask with HEAD and continue', 'Một yêu cầu mới hơn đã tiếp tục lượt tải lên này')],
  [
    ERRORS.INVALID_TERMINATION,
    () => new HttpError(400, 'UPLOAD_FINISHED', 'This upload is finished: it is an episode now', 'Lượt tải lên đã xong và đã thành chương trình'),
  ],
  [
    ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION,
    () => new HttpError(501, 'NOT_SUPPORTED', 'Parallel (concatenated) uploads are not supported; send one upload per file', 'Không hỗ trợ tải lên song song nhiều phần'),
  ],
]);

export const uploadNotFound = () => new HttpError(404, 'NOT_FOUND', 'upload not found', 'Không tìm thấy lượt tải lên');

/** Maps whatever a tus hook or handler threw; null: an internal failure. */
export function tusErrorToHttp(err: unknown, maxBytes: number): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return zodToHttp(err);
  // The storage (or the temp directory holding a part) is full: the bytes of this request were not kept.
  if (isOutOfSpace(err)) return diskFull();
  const known = BY_TUS_ERROR.get(err as TusError);
  if (known) return known(maxBytes);
  const e = err as Partial<TusError> | null;
  if (e && typeof e.status_code === 'number' && e.status_code < 500 && typeof e.body === 'string') {
    return new HttpError(e.status_code, 'UPLOAD_REFUSED', e.body.trim(), 'Máy chủ từ chối yêu cầu tải lên');
  }
  return null;
}

/** The few answers @tus/server writes itself, before any hook or handler runs (a non-tus client, a bad header). */
export function tusTextToHttp(status: number, text: string): HttpError {
  if (status === 412) {
    return new HttpError(412, 'TUS_RESUMABLE_REQUIRED', 'Tus-Resumable: 1.0.0 is required (a tus 1.0 client)', 'Cần tiêu đề «Tus-Resumable: 1.0.0» (trình tải lên theo giao thức «tus»)', field('Tus-Resumable', 'required', '1.0.0'));
  }
  const invalid = /^Invalid (.+)$/.exec(text.trim());
  if (status === 400 && invalid) {
    // tus names the headers as they came (lower case); say them as the protocol spells them.
    const names = invalid[1]!.split(' ').map((n) => HEADERS.find((h) => h.toLowerCase() === n) ?? n);
    if (names.length === 1 && names[0] === 'Upload-Metadata') return BY_TUS_ERROR.get(ERRORS.INVALID_METADATA)!(0);
    return new HttpError(400, 'VALIDATION_FAILED', `${names.join(', ')}: invalid value`, `Tiêu đề không hợp lệ: ${names.map((n) => `«${n}»`).join(', ')}`, names.map((n) => ({ field: n, rule: 'format', message: 'invalid value' })));
  }
  if (status === 404) return uploadNotFound();
  return new HttpError(status, 'UPLOAD_REFUSED', text.trim() || `HTTP ${status}`, 'Máy chủ từ chối yêu cầu tải lên');
}
