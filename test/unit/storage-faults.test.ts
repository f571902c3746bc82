import { describe, expect, it } from 'vitest';
import { episodeIdOfKey } from '../../src/services/orphan-sweep.js';
import os from 'node:os';
import { cutOffForRoom, isOutOfSpace, megabytes, noteRoomRefusal, StorageFull } from '../../src/storage/disk-space.js';
import { objectKeys } from '../../src/storage/keys.js';

describe('a storage write cut off on a disk below its reserve', () => {
  // The SDK's shape for a write the server's early 507 raced: EPIPE, renamed TimeoutError, maybe wrapped.
  const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', name: 'TimeoutError' });
  const dir = os.tmpdir();

  it('counts as out of room only while the disk is below the reserve', () => {
    expect(cutOffForRoom(epipe, dir, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(cutOffForRoom(new Error('upload failed', { cause: epipe }), dir, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(cutOffForRoom(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), dir, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(cutOffForRoom(epipe, dir, 0)).toBe(false);
  });

  it('also when the store refused for room moments ago and has since freed what it wrote', () => {
    const t = Date.now() + 3_600_000;
    noteRoomRefusal(t);
    expect(cutOffForRoom(epipe, dir, 0, t + 1_000)).toBe(true);
    expect(cutOffForRoom(epipe, dir, 0, t + 60_000)).toBe(false);
    expect(cutOffForRoom(new Error('boom'), dir, 0, t + 1_000)).toBe(false);
    noteRoomRefusal(Number.NEGATIVE_INFINITY);
  });

  it('other failures are not, however full the disk', () => {
    for (const other of [new Error('boom'), Object.assign(new Error('x'), { code: 'ENOENT' }), null, 'EPIPE']) {
      expect(cutOffForRoom(other, dir, Number.MAX_SAFE_INTEGER)).toBe(false);
    }
  });
});

describe('telling a full disk from other failures', () => {
  it('recognises a local write, the embedded server, MinIO, and a wrapped cause', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(isOutOfSpace(enospc)).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('x'), { name: 'InsufficientStorage', $metadata: { httpStatusCode: 507 } }))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('x'), { name: 'XMinioStorageFull', $metadata: { httpStatusCode: 507 } }))).toBe(true);
    expect(isOutOfSpace(new Error('upload failed', { cause: enospc }))).toBe(true);
    expect(isOutOfSpace(new StorageFull())).toBe(true);
    for (const other of [new Error('boom'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }), null, 'ENOSPC']) {
      expect(isOutOfSpace(other)).toBe(false);
    }
  });

  it('keeps a summary of the storage error, not the error (an SDK error holds the whole response)', () => {
    const sdk = Object.assign(new Error('ENOSPC: no space left on device, write'), { name: 'InsufficientStorage', $metadata: { httpStatusCode: 507 }, $response: { body: Buffer.alloc(10) } });
    const full = new StorageFull(sdk);
    expect(full.message).toBe('no space left in storage (InsufficientStorage: HTTP 507: ENOSPC: no space left on device, write)');
    expect(full.cause).toBeUndefined();
  });

  it('writes sizes with a decimal comma in Vietnamese', () => {
    expect(megabytes(12_580_000, 'vi')).toBe('12,5 MB');
    expect(megabytes(12_580_000, 'en')).toBe('12.5 MB');
    expect(megabytes(0, 'vi')).toBe('0 MB');
  });
});

describe('which episode a stored object belongs to', () => {
  it('knows originals and renditions, and nothing else', () => {
    const id = '0b7e5d0c-2d6f-4a57-9b1e-3f3c2a1b0c9d';
    expect(episodeIdOfKey(objectKeys.original(id))).toBe(id);
    expect(episodeIdOfKey(objectKeys.rendition(id, 'mp3'))).toBe(id);
    expect(episodeIdOfKey(objectKeys.rendition(id, 'opus'))).toBe(id);
    for (const other of ['originals/not-a-uuid', `originals/${id}/extra`, `renditions/${id}`, `uploads/tus/${id}.info`, `renditions/${id}/a/b.mp3`, id]) {
      expect(episodeIdOfKey(other)).toBeNull();
    }
  });
});
