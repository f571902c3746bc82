import { afterEach, describe, expect, it } from 'vitest';
import { episodeIdOfKey } from '../../src/services/orphan-sweep.js';
import { isOutOfSpace, megabytes, noteRoomRefusal, StorageFull } from '../../src/storage/disk-space.js';
import { objectKeys } from '../../src/storage/keys.js';

describe('a storage write cut off right after the embedded store refused one for room', () => {
  // The SDK's shape for a write the store's early 507 raced: EPIPE, renamed TimeoutError, maybe wrapped.
  const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', name: 'TimeoutError' });
  const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  afterEach(() => noteRoomRefusal(Number.NEGATIVE_INFINITY));

  it('is out of space within moments of the refusal, even once the store has freed what it wrote', () => {
    noteRoomRefusal(Date.now() - 1_000);
    expect(isOutOfSpace(epipe)).toBe(true);
    expect(isOutOfSpace(new Error('upload failed', { cause: epipe }))).toBe(true);
    expect(isOutOfSpace(reset)).toBe(true);
  });

  it('is just a broken connection without a recent refusal', () => {
    expect(isOutOfSpace(epipe)).toBe(false);
    noteRoomRefusal(Date.now() - 60_000);
    expect(isOutOfSpace(epipe)).toBe(false);
  });

  it('other failures are not, however recent the refusal', () => {
    noteRoomRefusal();
    for (const other of [new Error('boom'), Object.assign(new Error('x'), { code: 'ENOENT' }), null, 'EPIPE']) {
      expect(isOutOfSpace(other)).toBe(false);
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
