import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from './fsx.js';
import { parseManifest, type ParsedManifest } from './manifest.js';

export interface StoredManifest {
  readonly etag: string | null;
  readonly fetchedAt: string;
  /** The document exactly as the server sent it, so fields this agent does not know survive a restart. */
  readonly doc: unknown;
}

/** The last good manifest, on disk: a restart while offline still knows the schedule. */
export class ManifestStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'manifest.json');
  }

  async load(log: Logger): Promise<(StoredManifest & { parsed: ParsedManifest }) | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const stored = JSON.parse(text) as StoredManifest;
      return { ...stored, parsed: parseManifest(stored.doc) };
    } catch (err) {
      log.error({ err, file: this.file }, 'the saved manifest is unreadable; waiting for the server');
      return null;
    }
  }

  async save(stored: StoredManifest): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(stored));
  }
}
