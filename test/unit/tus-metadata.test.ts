import { ERRORS } from '@tus/server';
import { ZodError } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth.js';
import { HttpError } from '../../src/api/errors.js';
import { tusErrorToHttp, tusTextToHttp } from '../../src/api/upload/tus-errors.js';
import { noteRoomRefusal } from '../../src/storage/disk-space.js';
import { creationMetadata, finishedUpload, mayContinue } from '../../src/api/upload/tus-metadata.js';
import { episodeIdOfTus, tusIdOf } from '../../src/storage/tus-store.js';

const STATION = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const who = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ userId: `user-${role}`, login: null, name: role, role, areaId: null, areaPath: null, via: 'token', stationId: null, deviceId: null, ...extra });
const operator = who('operator', { userId: 'op-1', stationId: STATION });

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    const http = tusErrorToHttp(err, 100);
    if (http) return http;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('tus creation metadata', () => {
  it('keeps the form fields (normalised as the multipart route does), the file name and type, and who may resume', () => {
    const { stored, stationToCheck } = creationMetadata(10, { title: '  Bản tin  ', series: '', language: 'tay', urgent: 'true', filename: 'a.wav', filetype: 'audio/wav', owner: 'someone-else' }, who('editor'));
    expect(stored).toEqual({ title: 'Bản tin', language: 'tay', urgent: 'true', owner: 'user-editor', filename: 'a.wav', filetype: 'audio/wav' });
    expect(stationToCheck).toBeNull();
    expect(creationMetadata(10, { title: 'x' }, who('admin', { userId: null })).stored).toEqual({ title: 'x', language: 'vi', urgent: 'false', owner: 'ADMIN_TOKEN' });
  });

  it('refuses what the multipart form refuses, naming the field, with the same messages', () => {
    const cases: [Record<string, string | null>, RegExp][] = [
      [{}, /^title: title is required$/],
      [{ title: null }, /^title: title is required$/],
      [{ title: ' ' }, /^title: title is required$/],
      [{ title: 'x'.repeat(301) }, /^title: title: at most 300 characters$/],
      [{ title: 'x', language: 'Tiếng Việt' }, /^language: language must be a language tag/],
      [{ title: 'x', description: 'x'.repeat(5001) }, /^description: description: at most 5000 characters$/],
      [{ title: 'x', urgent: 'yes please' }, /^urgent: urgent must be true or false$/],
      [{ title: 'x', stationId: 'xã 1' }, /^stationId: stationId must be a UUID$/],
    ];
    for (const [metadata, message] of cases) {
      const e = refusal(() => creationMetadata(10, metadata, who('editor')));
      expect(e.status).toBe(422);
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.message).toMatch(message);
    }
  });

  it('needs the size up front, and refuses an empty file as the multipart route does', () => {
    const noLength = refusal(() => creationMetadata(undefined, { title: 'x' }, who('editor')));
    expect([noLength.status, noLength.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(noLength.details).toEqual([expect.objectContaining({ field: 'Upload-Length' })]);
    const empty = refusal(() => creationMetadata(0, { title: 'x' }, who('editor')));
    expect([empty.status, empty.code, empty.messageVi]).toEqual([422, 'EMPTY', 'Tệp rỗng: không có dữ liệu âm thanh.']);
  });

  it('ties an operator to its own station and refuses another; an editor may name any station that exists', () => {
    expect(creationMetadata(10, { title: 'x' }, operator).stored.stationId).toBe(STATION);
    expect(creationMetadata(10, { title: 'x', stationId: STATION }, operator)).toMatchObject({ stored: { stationId: STATION }, stationToCheck: null });
    const other = refusal(() => creationMetadata(10, { title: 'x', stationId: OTHER }, operator));
    expect([other.status, other.code]).toEqual([403, 'OTHER_STATION']);
    expect(creationMetadata(10, { title: 'x', stationId: OTHER }, who('editor'))).toMatchObject({ stored: { stationId: OTHER }, stationToCheck: OTHER });
  });

  it('lets only the creator continue, and an operator only while at the same station', () => {
    const { stored } = creationMetadata(10, { title: 'x' }, operator);
    expect(mayContinue(stored, operator)).toBe(true);
    expect(mayContinue(stored, { ...operator, stationId: OTHER })).toBe(false);
    expect(mayContinue(stored, who('operator', { userId: 'op-2', stationId: STATION }))).toBe(false);
    expect(mayContinue(stored, who('admin'))).toBe(false);
    expect(mayContinue(undefined, operator)).toBe(false);
  });

  it('reads back what the finished upload becomes', () => {
    const { stored } = creationMetadata(10, { title: 'Bản tin', series: 'Thời sự', urgent: '1', filename: 'b.m4a' }, operator);
    expect(finishedUpload(stored)).toEqual({
      meta: { title: 'Bản tin', series: 'Thời sự', language: 'vi', description: null },
      origin: { filename: 'b.m4a', contentType: null, createdBy: 'op-1', stationId: STATION },
      urgent: true,
    });
    expect(finishedUpload(creationMetadata(10, { title: 'x' }, who('admin', { userId: null })).stored).origin.createdBy).toBeNull();
  });
});

describe('tus refusals as API errors', () => {
  it('maps each protocol refusal to a code and a Vietnamese message, naming the header at fault', () => {
    const expected: [unknown, number, string][] = [
      [ERRORS.ERR_MAX_SIZE_EXCEEDED, 413, 'TOO_LARGE'],
      [ERRORS.ERR_SIZE_EXCEEDED, 413, 'BEYOND_UPLOAD_LENGTH'],
      [ERRORS.FILE_NOT_FOUND, 404, 'NOT_FOUND'],
      [ERRORS.FILE_NO_LONGER_EXISTS, 410, 'UPLOAD_EXPIRED'],
      [ERRORS.INVALID_OFFSET, 409, 'OFFSET_MISMATCH'],
      [ERRORS.INVALID_LENGTH, 400, 'VALIDATION_FAILED'],
      [ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION, 400, 'VALIDATION_FAILED'],
      [ERRORS.INVALID_METADATA, 400, 'VALIDATION_FAILED'],
      [ERRORS.MISSING_OFFSET, 400, 'VALIDATION_FAILED'],
      [ERRORS.INVALID_CONTENT_TYPE, 415, 'CONTENT_TYPE_REQUIRED'],
      [ERRORS.INVALID_TERMINATION, 400, 'UPLOAD_FINISHED'],
    ];
    for (const [err, status, code] of expected) {
      const e = tusErrorToHttp(err, 1024)!;
      expect([e.status, e.code], code).toEqual([status, code]);
      expect(e.messageVi).toBeTruthy();
    }
    expect(tusErrorToHttp(ERRORS.ERR_MAX_SIZE_EXCEEDED, 1024)!.message).toBe('The file is larger than the limit of 1024 bytes');
    expect(tusErrorToHttp(ERRORS.INVALID_OFFSET, 1)!.details).toEqual([expect.objectContaining({ field: 'Upload-Offset' })]);
  });

  it('a write the embedded store cut off for room is 507 DISK_FULL; the same broken connection elsewhere is a 500', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(tusErrorToHttp(epipe, 1)).toBeNull();
    noteRoomRefusal();
    try {
      expect(tusErrorToHttp(epipe, 1)).toMatchObject({ status: 507, code: 'DISK_FULL' });
    } finally {
      noteRoomRefusal(Number.NEGATIVE_INFINITY);
    }
  });

  it('passes the API\'s own errors through, and leaves server failures to be logged as 500', () => {
    const own = new HttpError(415, 'NOT_AUDIO', 'no', 'không');
    expect(tusErrorToHttp(own, 1)).toBe(own);
    expect(tusErrorToHttp(new ZodError([{ code: 'custom', path: ['title'], message: 'title is required', input: undefined }]), 1)!.code).toBe('VALIDATION_FAILED');
    expect(tusErrorToHttp(new Error('S3 down'), 1)).toBeNull();
    expect(tusErrorToHttp(ERRORS.UNKNOWN_ERROR, 1)).toBeNull();
  });

  it('maps the answers @tus/server writes itself', () => {
    expect(tusTextToHttp(412, 'Tus-Resumable Required\n').code).toBe('TUS_RESUMABLE_REQUIRED');
    const bad = tusTextToHttp(400, 'Invalid upload-offset upload-length\n');
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.details).toEqual([expect.objectContaining({ field: 'Upload-Offset' }), expect.objectContaining({ field: 'Upload-Length' })]);
    expect(tusTextToHttp(400, 'Invalid upload-metadata\n').message).toMatch(/^Upload-Metadata/);
  });
});

describe('tus upload ids', () => {
  it('are the episode original\'s object key, and only UUID ones are ours', () => {
    expect(tusIdOf(STATION)).toBe(`originals/${STATION}`);
    expect(episodeIdOfTus(`originals/${STATION}`)).toBe(STATION);
    expect(episodeIdOfTus(`originals/../${STATION}`)).toBeNull();
    expect(episodeIdOfTus(`renditions/${STATION}`)).toBeNull();
    expect(episodeIdOfTus('originals/abc')).toBeNull();
  });
});

describe('resumable upload settings', () => {
  it('keep an unfinished upload a day by default, swept every 10 minutes; a bad value names the setting', async () => {
    const { loadConfig } = await import('../../config/index.js');
    expect(loadConfig({}, {}).upload).toMatchObject({ expirySec: 86_400, sweepCron: '*/10 * * * *' });
    expect(loadConfig({}, { UPLOAD_EXPIRY_SEC: '3600' }).upload.expirySec).toBe(3600);
    expect(() => loadConfig({}, { UPLOAD_EXPIRY_SEC: '0' })).toThrow(/UPLOAD_EXPIRY_SEC: must be ≥ 1/);
  });
});
