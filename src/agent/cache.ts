import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { CachedFile, PartialFile } from './cache-plan.js';
import { rmQuiet, sha256File } from './fsx.js';

const FILE_RE = /^([0-9a-f]{64})\.([a-z0-9]{1,8})$/;
const PART_SUFFIX = '.part';

interface Verified {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The media directory. Complete files are named `<sha256>.<ext>` and only ever appear by a rename after their
 * hash was checked; downloads in progress are `<name>.part`. Files the agent did not name are left alone.
 * A file counts as ready only while its size and mtime are what they were when its hash was last checked, so
 * anything that touches it (a bad disk, a person) sends it back through verification.
 */
export class MediaCache {
  readonly dir: string;
  private readonly verified = new Map<string, Verified>();

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.dir = path.join(dataDir, 'media');
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
  }

  pathOf(name: string): string {
    return path.join(this.dir, name);
  }

  partPathOf(name: string): string {
    return path.join(this.dir, name + PART_SUFFIX);
  }

  isReady(name: string): boolean {
    return this.verified.has(name);
  }

  readyNames(): string[] {
    return [...this.verified.keys()];
  }

  /** Lists the cache, re-verifying every complete file whose size or mtime changed since its hash was checked. */
  async scan(): Promise<{ files: CachedFile[]; partials: PartialFile[]; corrupt: string[] }> {
    const files: CachedFile[] = [];
    const partials: PartialFile[] = [];
    const corrupt: string[] = [];
    const seen = new Set<string>();
    for (const entry of await fsp.readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const isPart = entry.name.endsWith(PART_SUFFIX);
      const name = isPart ? entry.name.slice(0, -PART_SUFFIX.length) : entry.name;
      if (!FILE_RE.test(name)) continue;
      let st: fs.Stats;
      try {
        st = await fsp.stat(path.join(this.dir, entry.name));
      } catch {
        continue; // removed while listing
      }
      if (isPart) {
        partials.push({ name, sizeBytes: st.size });
        continue;
      }
      seen.add(name);
      const v = this.verified.get(name);
      if (!v || v.size !== st.size || v.mtimeMs !== st.mtimeMs) {
        if (!(await this.verify(name))) {
          corrupt.push(name);
          continue;
        }
      }
      files.push({ name, sizeBytes: st.size, lastUsedMs: st.mtimeMs });
    }
    for (const name of this.verified.keys()) if (!seen.has(name)) this.verified.delete(name);
    return { files, partials, corrupt };
  }

  /** Hashes a complete file; a mismatch deletes it so it is fetched again. */
  async verify(name: string): Promise<boolean> {
    const file = this.pathOf(name);
    const expected = FILE_RE.exec(name)?.[1];
    let actual: string;
    let st: fs.Stats;
    try {
      st = await fsp.stat(file);
      actual = await sha256File(file);
    } catch (err) {
      this.verified.delete(name);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ err, file: name }, 'cache: cannot read a cached file');
      return false;
    }
    if (actual !== expected) {
      this.verified.delete(name);
      this.log.error({ file: name, actual, sizeBytes: st.size }, 'cache: file does not match its SHA-256; deleting it to fetch it again');
      await rmQuiet(file);
      return false;
    }
    this.verified.set(name, { size: st.size, mtimeMs: st.mtimeMs });
    return true;
  }

  /** Moves a downloaded and checked part into place. */
  async adopt(name: string): Promise<void> {
    await fsp.rename(this.partPathOf(name), this.pathOf(name));
    const st = await fsp.stat(this.pathOf(name));
    this.verified.set(name, { size: st.size, mtimeMs: st.mtimeMs });
  }

  /** Marks a file as just used (eviction goes oldest-used first); keeps its verified status. */
  async touch(name: string): Promise<void> {
    const file = this.pathOf(name);
    const now = new Date();
    try {
      await fsp.utimes(file, now, now);
      const st = await fsp.stat(file);
      if (this.verified.has(name)) this.verified.set(name, { size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // gone: the next scan notices
    }
  }

  async remove(name: string, kind: 'file' | 'partial'): Promise<void> {
    if (kind === 'file') this.verified.delete(name);
    await rmQuiet(kind === 'file' ? this.pathOf(name) : this.partPathOf(name));
  }

  /** Bytes free for an unprivileged writer on the cache's file system, or null where that cannot be told. */
  async freeBytes(): Promise<number | null> {
    try {
      const s = await fsp.statfs(this.dir);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      return null;
    }
  }
}
