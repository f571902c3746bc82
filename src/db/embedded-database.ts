import type { Config } from '../../config/index.js';
import { lockDataDir } from '../data-dir-lock.js';
import { StartupRefusal } from '../startup-refusal.js';
import { freeBytesSync, isOutOfSpace, megabytes } from '../storage/disk-space.js';
import type { Database } from './database.js';
import { createPgliteDatabase } from './pglite.js';

/**
 * The embedded database (PGlite under DATA_DIR), opened by one process at a time and only with room to run: PGlite
 * cannot write its log without space and dies with a bare "Aborted()" or "failed to initialize properly", which
 * says nothing about the cause.
 */

// One write-ahead log segment: less than this and PGlite may not get through its start.
export const START_MIN_FREE_BYTES = 16 * 1024 * 1024;

export class DiskFullAtStart extends StartupRefusal {
  constructor(
    readonly dir: string,
    readonly freeBytes: number,
    cause?: unknown,
  ) {
    super(
      'DISK_FULL',
      `The disk holding DATA_DIR ${dir} is full (${megabytes(freeBytes, 'en')} free): the embedded database cannot start. ` +
        'Free space on that disk (old backups, logs, temporary files), then start the service again.',
      `Ổ đĩa chứa thư mục dữ liệu ${dir} đã đầy (còn trống ${megabytes(freeBytes, 'vi')}): cơ sở dữ liệu nhúng không khởi động được. ` +
        'Hãy giải phóng dung lượng trên ổ đĩa đó (bản sao lưu cũ, nhật ký, tệp tạm), rồi khởi động lại dịch vụ.',
      4,
    );
    if (cause !== undefined) this.cause = cause;
  }
}

/** Opens (and prepares, e.g. migrates) the embedded database; the data directory stays locked until it is closed. */
export async function openEmbeddedDatabase(config: Config, prepare: (db: Database) => Promise<unknown>): Promise<Database> {
  const dir = config.database.embeddedDir;
  const free = freeBytesSync(config.dataDir);
  if (free < START_MIN_FREE_BYTES) throw new DiskFullAtStart(config.dataDir, free);
  let lock;
  try {
    lock = lockDataDir(config.dataDir);
  } catch (err) {
    throw isOutOfSpace(err) ? new DiskFullAtStart(config.dataDir, freeBytesSync(config.dataDir), err) : err;
  }
  try {
    const outOfSpace = (err: unknown) => {
      const left = freeBytesSync(config.dataDir);
      // How PGlite fails when a write finds no room; with the disk this close to full, that is the cause.
      const looksLikeIt = isOutOfSpace(err) || /Aborted|failed to initialize|No space left/i.test(String((err as Error)?.message ?? err));
      return looksLikeIt && left < Math.max(START_MIN_FREE_BYTES, config.upload.diskReserveBytes) ? new DiskFullAtStart(config.dataDir, left, err) : err;
    };
    const db = await createPgliteDatabase(dir).catch((err: unknown) => {
      throw outOfSpace(err);
    });
    try {
      await prepare(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw outOfSpace(err);
    }
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
