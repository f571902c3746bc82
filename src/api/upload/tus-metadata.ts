import { z } from 'zod';
import { REJECTION_RULES } from '../../domain/audio/rejection.js';
import type { Principal } from '../auth.js';
import { HttpError } from '../errors.js';
import { uploadMetaSchema } from './upload-meta.js';
import { assertNoNul } from '../nul-guard.js';
import type { FinishedUpload } from '../../services/resumable-upload-service.js';

/**
 * A tus upload's metadata: what the client sends at creation (the multipart form's fields, with the same rules and
 * messages, plus the file's name and type) and what the server stores with it (who may resume it, for which station).
 */
const tusFieldsSchema = uploadMetaSchema.extend({
  stationId: z.uuid({ error: 'stationId must be a UUID' }).optional(),
  filename: z.string().trim().max(255, 'filename: at most 255 characters').optional().transform((s) => s || null),
  filetype: z.string().trim().max(255, 'filetype: at most 255 characters').optional().transform((s) => s || null),
});

/** Who may resume an upload: the user who created it (the configured admin token counts as one user). */
export const ownerKeyOf = (p: Principal) => p.userId ?? 'ADMIN_TOKEN';

const otherStation = () =>
  new HttpError(403, 'OTHER_STATION', 'You may only upload for your own station', 'Bạn chỉ được tải lên cho đài của mình', [{ field: 'stationId' }]);

const lengthRequired = () =>
  new HttpError(400, 'VALIDATION_FAILED', 'Upload-Length: the file size is required when the upload is created', 'Cần khai báo kích thước tệp trong tiêu đề «Upload-Length» khi bắt đầu tải lên', [
    { field: 'Upload-Length', rule: 'required', message: 'required' },
  ]);

/** tus leaves metadata keys without a value as null; a form simply has no such field. */
function asFields(metadata: Record<string, string | null> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) if (v !== null) out[k] = v;
  return out;
}

/**
 * Checks a creation request against the multipart route's rules and returns the metadata to store with the upload,
 * plus the station to be verified as existing (an admin or editor may upload for any station that exists).
 * Throws HttpError (or ZodError: 422 naming the field).
 */
export function creationMetadata(size: number | undefined, metadata: Record<string, string | null> | undefined, principal: Principal): { stored: Record<string, string>; stationToCheck: string | null } {
  if (size === undefined) throw lengthRequired();
  if (size === 0) throw new HttpError(422, 'EMPTY', REJECTION_RULES.EMPTY.en, REJECTION_RULES.EMPTY.vi);
  const fields = asFields(metadata);
  // Upload-Metadata values are base64: U+0000 arrives decoded here, and the database cannot store it.
  assertNoNul(fields, 'metadata');
  const f = tusFieldsSchema.parse(fields);
  let stationId: string | null;
  if (principal.role === 'operator') {
    if (f.stationId && f.stationId !== principal.stationId) throw otherStation();
    stationId = principal.stationId;
  } else {
    stationId = f.stationId ?? null;
  }
  const stored: Record<string, string> = { title: f.title, language: f.language, urgent: String(f.urgent), owner: ownerKeyOf(principal) };
  if (f.series) stored.series = f.series;
  if (f.description) stored.description = f.description;
  if (stationId) stored.stationId = stationId;
  if (f.filename) stored.filename = f.filename;
  if (f.filetype) stored.filetype = f.filetype;
  return { stored, stationToCheck: principal.role === 'operator' ? null : stationId };
}

/** Whether this caller may see and continue an upload: its creator, and an operator only while at the same station. */
export function mayContinue(metadata: Record<string, string | null> | undefined, principal: Principal): boolean {
  if (metadata?.owner !== ownerKeyOf(principal)) return false;
  return principal.role !== 'operator' || (metadata?.stationId ?? null) === principal.stationId;
}

/** What a finished upload becomes, read back from the metadata stored at its creation. */
export function finishedUpload(metadata: Record<string, string | null> | undefined): FinishedUpload {
  const f = tusFieldsSchema.parse(asFields(metadata));
  const owner = metadata?.owner;
  return {
    meta: { title: f.title, series: f.series, language: f.language, description: f.description },
    origin: {
      filename: f.filename,
      contentType: f.filetype,
      createdBy: owner && owner !== 'ADMIN_TOKEN' ? owner : null,
      stationId: f.stationId ?? null,
    },
    urgent: f.urgent,
  };
}
