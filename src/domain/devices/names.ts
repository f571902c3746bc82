import { z } from 'zod';

/** A device's name as people give it ("Cụm loa thôn Bản Hồ"): trimmed, 1–100 characters. */
export const deviceNameSchema = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, { error: 'name is required' })
  .max(100, { error: 'name must be at most 100 characters' });

/**
 * Names compare as a person reads them: "Cụm loa 2" typed with combining accents, or in another case, is the same
 * name. Vietnamese letters have several Unicode spellings, hence the normalisation.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

export function nameTaken(name: string, others: readonly { readonly name: string; readonly revokedAt: Date | null }[]): boolean {
  const key = nameKey(name);
  return others.some((o) => o.revokedAt === null && nameKey(o.name) === key);
}
