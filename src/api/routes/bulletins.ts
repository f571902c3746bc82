import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { checkBulletinText, RATE_MAX, RATE_MIN } from '../../domain/bulletins/text.js';
import { SynthesisFailed, type BulletinService } from '../../services/bulletin-service.js';
import { toEpisodeView } from '../../services/episode-service.js';
import { principalOf } from '../auth.js';
import { permit } from '../permit.js';
import { HttpError, zodToHttp } from '../errors.js';
import { recordChange } from '../audit-context.js';

const rate = z
  .number({ error: `rate must be a whole number of words per minute, ${RATE_MIN}–${RATE_MAX}` })
  .int(`rate must be a whole number of words per minute, ${RATE_MIN}–${RATE_MAX}`)
  .min(RATE_MIN, `rate must be at least ${RATE_MIN} words per minute`)
  .max(RATE_MAX, `rate must be at most ${RATE_MAX} words per minute`)
  .optional();
const text = z.string({ error: 'text must be a string' });

export const createSchema = z.object(
  {
    title: z.string({ error: 'title is required' }).trim().min(1, 'title is required').max(300, 'title: at most 300 characters'),
    text,
    language: z.enum(['vi'], { error: 'language: only "vi" (Vietnamese) can be read aloud so far' }).default('vi'),
    rate,
    urgent: z.boolean({ error: 'urgent must be true or false' }).default(false),
  },
  { error: 'the body must be a JSON object' },
);
export const previewSchema = z.object({ text, rate, language: createSchema.shape.language }, { error: 'the body must be a JSON object' });

function parse<T extends z.ZodType>(schema: T, req: Request, maxChars: number): z.infer<T> {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw zodToHttp(parsed.error, { location: 'body', input: req.body });
  const r = checkBulletinText((parsed.data as { text: string }).text, maxChars);
  if (r) throw new HttpError(422, r.code, r.message, r.messageVi, [{ field: 'text', location: 'body', rule: r.code, message: r.message, messageEn: r.message, messageVi: r.messageVi }]);
  return parsed.data;
}

/** Aborted when the client goes away before the answer: its synthesis stops rather than run for nobody. */
function clientGone(res: Response): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

const synthesisFailed = (err: SynthesisFailed) =>
  new HttpError(503, 'TTS_FAILED', `Speech synthesis failed; nothing was saved. Try again. (${err.message})`, 'Không tạo được giọng đọc, bản tin chưa được lưu. Vui lòng thử lại.');

/** Text bulletins: the same people as uploads (an operator's bulletin is its own commune's programme). */
export function bulletinsRouter(deps: { bulletins: BulletinService; maxChars: number }): Router {
  const r = Router();
  r.use(permit('bulletin.create'));

  r.post('/', async (req, res) => {
    const input = parse(createSchema, req, deps.maxChars);
    const p = principalOf(req);
    try {
      const row = await deps.bulletins.create(input, { userId: p.userId, stationId: p.stationId }, req.log, clientGone(res));
      await recordChange(req, { action: 'episode.create', targetType: 'episode', targetId: row.id, stationId: row.stationId, after: { title: row.title, language: row.language, urgent: row.urgent, stationId: row.stationId, chars: [...(row.sourceText ?? '')].length, via: 'bulletin' } });
      res.status(202).location(`/api/v1/episodes/${row.id}`).json(toEpisodeView(row, []));
    } catch (err) {
      throw err instanceof SynthesisFailed ? synthesisFailed(err) : err;
    }
  });

  r.post('/preview', async (req, res) => {
    const input = parse(previewSchema, req, deps.maxChars);
    try {
      const preview = await deps.bulletins.preview(input, req.log, clientGone(res));
      res
        .status(200)
        .type('audio/mpeg')
        .set({
          'Content-Length': String(preview.mp3.length),
          'Cache-Control': 'no-store',
          'X-Preview-Seconds': preview.durationSec.toFixed(2),
          'X-Preview-Truncated': String(preview.truncated),
        })
        .end(preview.mp3);
    } catch (err) {
      throw err instanceof SynthesisFailed ? synthesisFailed(err) : err;
    }
  });
  return r;
}
