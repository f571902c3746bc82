import { z } from 'zod';

/** A form field that says yes or no; browsers send "on" for a ticked box. */
const flag = z
  .enum(['true', 'false', '1', '0', 'on', 'off', ''], { error: 'urgent must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'on');

/** The fields every upload carries, whichever protocol brought the bytes (multipart form or tus metadata). */
export const uploadMetaSchema = z.object({
  title: z.string({ error: 'title is required' }).trim().min(1, 'title is required').max(300, 'title: at most 300 characters'),
  series: z.string().trim().max(120, 'series: at most 120 characters').optional().transform((s) => s || null),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a language tag such as vi, en, hmn, tay')
    .default('vi'),
  description: z.string().trim().max(5000, 'description: at most 5000 characters').optional().transform((s) => s || null),
  urgent: flag,
});

export type UploadMeta = z.infer<typeof uploadMetaSchema>;
