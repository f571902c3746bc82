import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { heartbeatSchema } from '../../domain/devices/heartbeat-schema.js';
import { missedSchema } from '../../domain/tracking/missed-report.js';
import { periodQuerySchema } from '../../domain/tracking/period.js';
import { playEventSchema } from '../../domain/tracking/play-schema.js';
import { createDeviceSchema, renameDeviceSchema } from '../../services/device-service.js';
import { createPlanSchema, moveAiringSchema } from '../../services/plan-service.js';
import { playNowSchema } from '../../services/play-now-service.js';
import { createStationSchema, updateStationSchema } from '../../services/station-service.js';
import { createAreaSchema, updateAreaSchema } from '../../services/area-service.js';
import { createUserSchema, listUsersSchema, resetPasswordSchema, updateUserSchema } from '../../services/user-service.js';
import { listAreasSchema } from '../routes/areas.js';
import { auditPageSchema as auditPageQuery, auditQuerySchema } from '../routes/audit.js';
import { gridCheckSchema } from '../../services/grid-check.js';
import { createTokenSchema } from '../../services/user-service.js';
import { listQuery as alertsQuery } from '../routes/alerts.js';
import { createSchema as bulletinSchema, previewSchema as bulletinPreviewSchema } from '../routes/bulletins.js';
import { presenceQuery } from '../routes/devices.js';
import { fileSchema as episodeMediaFile, querySchema as episodeMediaQuery } from '../routes/episode-media.js';
import { linkQuery as episodeLinkQuery, listSchema as episodesQuery } from '../routes/episodes.js';
import { listSchema as plansQuery } from '../routes/plans.js';
import { listSchema as playNowQuery } from '../routes/play-now.js';
import { mediaParams, mediaQuery } from '../routes/station-feed.js';
import { listSchema as stationsQuery, rangeSchema as airingsRangeQuery } from '../routes/stations.js';
import { airedSchema, batchSchema, reportQuery, statsQuery } from '../routes/tracking.js';
import { uploadMetaSchema } from '../upload/upload-meta.js';
import { signInSchema } from '../routes/session.js';
import { passwordSchema, setupSchema, tokenSchema as personalTokenBody } from '../routes/me.js';
import * as out from './response-schemas.js';

/**
 * The API's contract (OpenAPI 3.1), served at GET /api/v1/openapi.json. Requests are described by the very zod
 * schemas the routes and services parse with (imported above), answers by ./response-schemas.ts; the contract test
 * (test/integration/openapi-contract.test.ts) calls every operation and fails on any route of the app missing here.
 */

export const OPENAPI_PATH = '/api/v1/openapi.json';

type Auth = 'user' | 'station' | 'user-or-station' | 'public' | 'signed-link';

const SECURITY: Record<Auth, Array<Record<string, string[]>>> = {
  user: [{ userToken: [] }],
  station: [{ stationToken: [] }],
  'user-or-station': [{ userToken: [] }, { stationToken: [] }],
  public: [],
  'signed-link': [],
};

const binary = (description: string) => ({ type: 'string', format: 'binary', description }) as const;
const text = (description: string) => ({ type: 'string', description }) as const;

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errorAnswer = (description: string) => json(out.errorSchema, description);

/** The refusals every operation of its kind may give, on top of its own. */
function refusals(auth: Auth, own: Record<string, string>): ZodOpenApiResponsesObject {
  const common: Record<string, string> =
    auth === 'public'
      ? {}
      : auth === 'signed-link'
        ? { '403': 'BAD_SIGNATURE, LINK_EXPIRED or NOT_SCHEDULED', '422': 'VALIDATION_FAILED: a malformed link' }
        : { '401': 'UNAUTHENTICATED: no valid token', '403': 'FORBIDDEN (role) or OTHER_STATION', '429': 'TOO_MANY_FAILED_SIGN_INS' };
  const all = { ...common, ...own };
  return {
    ...Object.fromEntries(Object.entries(all).map(([status, why]) => [status, errorAnswer(why)])),
    '4XX': errorAnswer('Any other refusal: the same envelope'),
    '5XX': errorAnswer('INTERNAL (logged), or a dependency down'),
  };
}

interface Entry {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete' | 'head' | 'options';
  /** OpenAPI form: /api/v1/stations/{id} */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  roles?: string[];
  path_?: z.ZodObject;
  query?: z.ZodType;
  headers?: z.ZodObject;
  body?: ZodOpenApiOperationObject['requestBody'];
  responses: ZodOpenApiResponsesObject;
  /** Refusals this operation gives besides the common ones, status → when. */
  refuses?: Record<string, string>;
}

const id = z.object({ id: z.uuid() });
const stationDevice = z.object({ id: z.uuid().meta({ description: 'The station' }), deviceId: z.uuid() });
const jsonBody = (schema: z.ZodType, required = true) => ({ required, content: { 'application/json': { schema } } });

/** The report period, in either form `periodQuerySchema` accepts: every field of every form, each optional. */
function periodQuery(): z.ZodObject {
  const fields = new Map<string, z.ZodType[]>();
  for (const option of periodQuerySchema.options as readonly z.ZodType[]) {
    const obj = option instanceof z.ZodPipe ? option.in : option;
    if (!(obj instanceof z.ZodObject)) continue;
    for (const [key, schema] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
      const known = fields.get(key) ?? [];
      const same = (a: z.ZodType) => JSON.stringify(z.toJSONSchema(a, { io: 'input' })) === JSON.stringify(z.toJSONSchema(schema, { io: 'input' }));
      if (!known.some(same)) fields.set(key, [...known, schema]);
    }
  }
  const shape = Object.fromEntries(
    [...fields].map(([key, schemas]) => [key, (schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodType, z.ZodType, ...z.ZodType[]])).optional()]),
  );
  return z.object(shape).meta({ description: 'Either from and to (YYYY-MM-DD), or a preset with its year (and month for the monthly one)' });
}

const tusHeaders = {
  resumable: z.literal('1.0.0').meta({ description: 'Tus-Resumable' }),
};

const ENTRIES: Entry[] = [
  // ── Health and the contract itself ──
  { method: 'get', path: '/healthz', tag: 'health', summary: 'Liveness: the process answers', auth: 'public', responses: { '200': json(out.healthSchema, 'Alive') } },
  {
    method: 'get',
    path: '/readyz',
    tag: 'health',
    summary: 'Readiness: the database, Redis and object storage answer',
    auth: 'public',
    responses: { '200': json(out.readinessSchema, 'Ready'), '503': json(out.readinessSchema, 'A dependency is down: named in checks') },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    tag: 'health',
    summary: 'This document (OpenAPI 3.1)',
    auth: 'public',
    responses: { '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } } },
  },
  // ── Who am I ──
  {
    method: 'get',
    path: '/api/v1/me',
    tag: 'auth',
    summary: 'The caller, as its token or session cookie names it',
    auth: 'user-or-station',
    responses: { '200': json(out.meSchema, 'The principal') },
  },
  {
    method: 'post',
    path: '/api/v1/session',
    tag: 'auth',
    summary: 'Sign in with a login name and password: sets the session cookie (httpOnly, SameSite=Strict)',
    auth: 'public',
    body: jsonBody(signInSchema),
    responses: { '204': { description: 'Signed in (Set-Cookie: loaxa.sid)' } },
    refuses: { '401': 'SIGN_IN_FAILED: wrong login or password (the same for an unknown or disabled account)', '403': 'CROSS_SITE_REQUEST', '422': 'VALIDATION_FAILED', '429': 'SIGN_IN_BACKED_OFF (Retry-After)' },
  },
  {
    method: 'delete',
    path: '/api/v1/session',
    tag: 'auth',
    summary: 'Sign out: the session is revoked on the server and the cookie cleared',
    auth: 'user',
    responses: { '204': { description: 'Signed out' } },
  },
  {
    method: 'post',
    path: '/api/v1/me/password',
    tag: 'auth',
    summary: 'Change one’s own password (required after an admin reset); other sessions end',
    auth: 'user',
    body: jsonBody(passwordSchema),
    responses: { '204': { description: 'Changed' } },
    refuses: { '403': 'NOT_A_PERSON, CSRF_TOKEN_INVALID, CROSS_SITE_REQUEST', '422': 'WRONG_PASSWORD, TOO_SHORT, SAME_AS_LOGIN, VALIDATION_FAILED', '429': 'SIGN_IN_BACKED_OFF' },
  },
  {
    method: 'get',
    path: '/api/v1/me/tokens',
    tag: 'auth',
    summary: 'One’s personal API tokens (no secrets)',
    auth: 'user',
    responses: { '200': json(z.object({ tokens: z.array(out.personalTokenSchema) }), 'Live tokens, newest first') },
  },
  {
    method: 'post',
    path: '/api/v1/me/tokens',
    tag: 'auth',
    summary: 'A personal API token for scripts, shown once',
    auth: 'user',
    body: jsonBody(personalTokenBody, false),
    responses: { '201': json(out.newPersonalTokenSchema, 'Made') },
    refuses: { '403': 'NOT_A_PERSON, CSRF_TOKEN_INVALID', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'delete',
    path: '/api/v1/me/tokens/{id}',
    tag: 'auth',
    summary: 'Revoke one of one’s personal tokens',
    auth: 'user',
    path_: id,
    responses: { '204': { description: 'Revoked' } },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/setup',
    tag: 'auth',
    summary: 'A fresh install’s first admin, with ADMIN_TOKEN, while no user has a password yet',
    auth: 'user',
    body: jsonBody(setupSchema),
    responses: { '201': json(out.setupAdminSchema, 'The first admin') },
    refuses: { '403': 'ADMIN_TOKEN_REQUIRED', '409': 'SETUP_DONE, LOGIN_TAKEN', '422': 'TOO_SHORT, SAME_AS_LOGIN, VALIDATION_FAILED' },
  },
  // ── Episodes ──
  {
    method: 'post',
    path: '/api/v1/episodes',
    tag: 'episodes',
    summary: 'Upload an episode (multipart form); it is transcoded in the background',
    auth: 'user',
    roles: ['admin', 'editor', 'operator'],
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: uploadMetaSchema.extend({ audio: z.string().meta({ format: 'binary', description: 'The audio file (WAV, MP3, M4A, Ogg, …); the last part' }) }),
        },
      },
    },
    responses: { '202': json(out.episodeSchema, 'Stored; transcoding (Location: the episode)') },
    refuses: { '400': 'BAD_REQUEST: not a multipart form', '413': 'TOO_LARGE', '415': 'NOT_AUDIO', '422': 'VALIDATION_FAILED, EMPTY' },
  },
  {
    method: 'get',
    path: '/api/v1/episodes',
    tag: 'episodes',
    summary: 'Episodes, newest first (an operator sees its own and the centre’s)',
    auth: 'user',
    query: episodesQuery,
    responses: { '200': json(out.episodePageSchema, 'A page of episodes') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/episodes/{id}',
    tag: 'episodes',
    summary: 'One episode with its renditions',
    auth: 'user',
    path_: id,
    responses: { '200': json(out.episodeSchema, 'The episode') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED: id is not a UUID' },
  },
  {
    method: 'get',
    path: '/api/v1/episodes/{id}/renditions/{name}',
    tag: 'episodes',
    summary: 'Download a rendition (Range requests supported)',
    auth: 'user',
    path_: z.object({ id: z.uuid(), name: z.enum(['mp3', 'opus']) }),
    headers: z.object({ range: z.string().optional().meta({ description: 'bytes=start-end' }) }),
    responses: {
      '200': { description: 'The whole file', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
      '206': { description: 'The requested range', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
      '302': { description: 'With external S3: a presigned link to the file' },
    },
    refuses: { '404': 'NOT_FOUND', '416': 'RANGE_NOT_SATISFIABLE', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/episodes/{id}/renditions/{name}/link',
    tag: 'episodes',
    summary: 'A short-lived link to a rendition that a browser can open by itself (download or listen)',
    auth: 'user',
    path_: z.object({ id: z.uuid(), name: z.enum(['mp3', 'opus']) }),
    query: episodeLinkQuery,
    responses: { '200': json(out.episodeLinkSchema, 'The link') },
    refuses: { '404': 'NOT_FOUND', '409': 'Not ready yet', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/episode-media/{file}',
    tag: 'episodes',
    summary: 'A rendition through a link from …/renditions/{name}/link (no token; Range requests supported)',
    auth: 'signed-link',
    path_: z.object({ file: episodeMediaFile }),
    query: episodeMediaQuery,
    headers: z.object({ range: z.string().optional() }),
    responses: {
      '200': { description: 'The whole file (Content-Disposition: inline, or attachment with dl=1)', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
      '206': { description: 'The requested range', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
    },
    refuses: { '404': 'NOT_FOUND', '416': 'RANGE_NOT_SATISFIABLE' },
  },
  // ── Text bulletins ──
  {
    method: 'post',
    path: '/api/v1/bulletins',
    tag: 'bulletins',
    summary: 'A text bulletin read aloud (Vietnamese speech synthesis) and stored as an episode',
    auth: 'user',
    roles: ['admin', 'editor', 'operator'],
    body: jsonBody(bulletinSchema),
    responses: { '202': json(out.episodeSchema, 'Synthesised; transcoding (Location: the episode)') },
    refuses: { '422': 'VALIDATION_FAILED or a text rule (TEXT_EMPTY, TEXT_TOO_LONG, …)', '503': 'TTS_FAILED: nothing was saved' },
  },
  {
    method: 'post',
    path: '/api/v1/bulletins/preview',
    tag: 'bulletins',
    summary: 'Hear a bulletin before saving it (nothing is stored)',
    auth: 'user',
    roles: ['admin', 'editor', 'operator'],
    body: jsonBody(bulletinPreviewSchema),
    responses: { '200': { description: 'The speech (X-Preview-Seconds, X-Preview-Truncated)', content: { 'audio/mpeg': { schema: binary('MP3') } } } },
    refuses: { '422': 'VALIDATION_FAILED or a text rule', '503': 'TTS_FAILED' },
  },
  // ── Stations ──
  {
    method: 'post',
    path: '/api/v1/stations/grid-check',
    tag: 'stations',
    summary: 'Judge an airtime grid being typed (quiet hours, overlaps, session length) by the rules a save applies; saves nothing',
    description: 'Slots are judged as sent: one of the wrong shape is a `malformed` problem, not a refusal of the request.',
    auth: 'user',
    roles: ['admin'],
    body: jsonBody(gridCheckSchema),
    responses: { '200': json(out.gridCheckResultSchema, 'The judgement: ok, and every problem by slot in both languages') },
    refuses: { '422': 'VALIDATION_FAILED (not a list, more than 200 slots, an unknown time zone)' },
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/tokens',
    tag: 'auth',
    summary: "Make an API token for another user (headless set-up: the CLI's --server mode)",
    auth: 'user',
    roles: ['admin'],
    path_: id,
    body: jsonBody(createTokenSchema, false),
    responses: { '201': json(out.userTokenSchema, 'Created; the token is shown this once') },
    refuses: { '404': 'NOT_FOUND', '409': 'USER_DISABLED', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/stations',
    tag: 'stations',
    summary: 'Add a commune station (with its first loudspeaker cluster and its token)',
    auth: 'user',
    roles: ['admin'],
    body: jsonBody(createStationSchema),
    responses: { '201': json(out.newStationSchema, 'Created; the token and webhook secret are shown this once') },
    refuses: { '409': 'CODE_TAKEN', '422': 'VALIDATION_FAILED, GRID_RULE_VIOLATED' },
  },
  {
    method: 'get',
    path: '/api/v1/stations',
    tag: 'stations',
    summary: 'Stations by commune code',
    auth: 'user',
    roles: ['admin', 'editor', 'viewer'],
    query: stationsQuery,
    responses: { '200': json(out.stationPageSchema, 'A page of stations') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/stations/{id}',
    tag: 'stations',
    summary: 'One station with its devices',
    auth: 'user',
    path_: id,
    responses: { '200': json(out.stationSchema, 'The station') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'patch',
    path: '/api/v1/stations/{id}',
    tag: 'stations',
    summary: 'Change a station (name, time zone, webhook, grid, rendition, area)',
    auth: 'user',
    roles: ['admin'],
    path_: id,
    body: jsonBody(updateStationSchema),
    responses: { '200': json(out.stationSchema, 'The station as changed') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED, GRID_RULE_VIOLATED' },
  },
  ...(['deactivate', 'rotate-token', 'rotate-webhook-secret'] as const).map(
    (action): Entry => ({
      method: 'post',
      path: `/api/v1/stations/{id}/${action}`,
      tag: 'stations',
      summary: { deactivate: 'Deactivate a station (its devices stop being served)', 'rotate-token': "Replace the primary device's token", 'rotate-webhook-secret': 'Replace the webhook signing secret' }[action],
      auth: 'user',
      roles: ['admin'],
      path_: id,
      responses: {
        '200': json({ deactivate: out.stationSchema, 'rotate-token': out.tokenSchema, 'rotate-webhook-secret': out.webhookSecretSchema }[action], 'Done'),
      },
      refuses: { '404': 'NOT_FOUND', '409': 'STATION_INACTIVE', '422': 'VALIDATION_FAILED' },
    }),
  ),
  // ── Areas ──
  {
    method: 'post',
    path: '/api/v1/areas',
    tag: 'areas',
    summary: 'Add an area (province, grouping or commune) under another (default: the root)',
    description: 'A province sits under the root, a grouping inside a province, a commune holds nothing. Codes: province 2 digits, grouping 3, commune 5, unique.',
    auth: 'user',
    roles: ['admin (within its area)'],
    body: jsonBody(createAreaSchema),
    responses: { '201': json(out.areaSchema, 'Created') },
    refuses: { '409': 'CODE_TAKEN', '422': 'VALIDATION_FAILED, UNKNOWN_AREA, AREA_INACTIVE, COMMUNE_HAS_NO_CHILDREN, PROVINCE_UNDER_ROOT, GROUPING_UNDER_PROVINCE' },
  },
  {
    method: 'get',
    path: '/api/v1/areas',
    tag: 'areas',
    summary: "The area tree at and below the caller's own area, flat (with parentId and depth) or nested",
    auth: 'user',
    query: listAreasSchema,
    responses: { '200': json(out.areaListSchema, 'The areas') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/areas/{id}',
    tag: 'areas',
    summary: 'One area with its counts',
    auth: 'user',
    path_: id,
    responses: { '200': json(out.areaSchema, 'The area') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'patch',
    path: '/api/v1/areas/{id}',
    tag: 'areas',
    summary: 'Rename, recode, move (with everything below it) or deactivate an area',
    auth: 'user',
    roles: ['admin (within its area)'],
    path_: id,
    body: jsonBody(updateAreaSchema),
    responses: { '200': json(out.areaSchema, 'The area as changed') },
    refuses: { '404': 'NOT_FOUND', '409': 'CODE_TAKEN, AREA_IN_USE', '422': 'VALIDATION_FAILED, AREA_CYCLE, ROOT_AREA_FIXED, COMMUNE_HAS_NO_CHILDREN' },
  },
  // ── Users ──
  {
    method: 'post',
    path: '/api/v1/users',
    tag: 'users',
    summary: 'Add a user who signs in with a login and password',
    auth: 'user',
    roles: ['admin (within its area)'],
    body: jsonBody(createUserSchema),
    responses: { '201': json(out.userSchema, 'Created (without the password)') },
    refuses: { '409': 'LOGIN_TAKEN, NAME_TAKEN', '422': 'VALIDATION_FAILED, TOO_SHORT, SAME_AS_LOGIN, UNKNOWN_AREA, OPERATOR_NEEDS_COMMUNE, STATION_OUTSIDE_AREA, STATION_ONLY_FOR_OPERATOR' },
  },
  {
    method: 'get',
    path: '/api/v1/users',
    tag: 'users',
    summary: "Users acting for areas at or below the caller's, by login",
    auth: 'user',
    roles: ['admin'],
    query: listUsersSchema,
    responses: { '200': json(out.userPageSchema, 'A page of users') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/users/{id}',
    tag: 'users',
    summary: 'One user',
    auth: 'user',
    roles: ['admin'],
    path_: id,
    responses: { '200': json(out.userSchema, 'The user') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'patch',
    path: '/api/v1/users/{id}',
    tag: 'users',
    summary: 'Change display name, role, area or station; disable (signs out everywhere, revokes tokens) or enable',
    auth: 'user',
    roles: ['admin (within its area)'],
    path_: id,
    body: jsonBody(updateUserSchema),
    responses: { '200': json(out.userSchema, 'The user as changed') },
    refuses: { '403': 'OTHER_AREA, CANNOT_DISABLE_SELF, CANNOT_CHANGE_OWN_ROLE', '404': 'NOT_FOUND', '409': 'NAME_TAKEN', '422': 'VALIDATION_FAILED, OPERATOR_NEEDS_COMMUNE, STATION_OUTSIDE_AREA' },
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/reset-password',
    tag: 'users',
    summary: 'Set a temporary password: the user must change it at next sign-in; their sessions end',
    auth: 'user',
    roles: ['admin (within its area)'],
    path_: id,
    body: jsonBody(resetPasswordSchema),
    responses: { '200': json(out.userSchema, 'The user (mustChangePassword: true)') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED, TOO_SHORT, SAME_AS_LOGIN' },
  },
  // ── The audit log (read-only) ──
  {
    method: 'get',
    path: '/api/v1/audit',
    tag: 'audit',
    summary: "Every change, newest first, in the caller's area: who, when, from where, what (before/after)",
    auth: 'user',
    roles: ['admin'],
    query: auditPageQuery,
    responses: { '200': json(out.auditPageSchema, 'A page of entries') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/audit.csv',
    tag: 'audit',
    summary: 'The same entries as CSV (UTF-8 with BOM, Vietnamese headings, cells that cannot run as formulas)',
    auth: 'user',
    roles: ['admin'],
    query: auditQuerySchema,
    responses: { '200': { description: 'CSV, as an attachment', content: { 'text/csv': { schema: text('One row per entry') } } } },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/stations/{id}/airings',
    tag: 'stations',
    summary: "The station's live schedule by local dates (default: today and the next 7 days), with each device's outcome",
    auth: 'user',
    path_: id,
    query: airingsRangeQuery,
    responses: { '200': json(out.stationAiringsSchema, 'Airings in the range') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/stations/{id}/deliveries',
    tag: 'stations',
    summary: 'Files sent to the station and how much of each arrived',
    auth: 'user',
    path_: id,
    responses: { '200': json(out.deliveriesSchema, 'Deliveries') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  // ── Devices ──
  {
    method: 'post',
    path: '/api/v1/stations/{id}/devices',
    tag: 'devices',
    summary: 'Add a loudspeaker cluster to a station',
    auth: 'user',
    roles: ['admin'],
    path_: id,
    body: jsonBody(createDeviceSchema),
    responses: { '201': json(out.newDeviceSchema, 'Created; its token is shown this once') },
    refuses: { '404': 'NOT_FOUND', '409': 'STATION_INACTIVE, DEVICE_NAME_TAKEN', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/stations/{id}/devices',
    tag: 'devices',
    summary: "A station's loudspeaker clusters and their health",
    auth: 'user-or-station',
    path_: id,
    responses: { '200': json(out.stationDevicesSchema, 'Devices') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'patch',
    path: '/api/v1/stations/{id}/devices/{deviceId}',
    tag: 'devices',
    summary: 'Rename a device',
    auth: 'user',
    roles: ['admin'],
    path_: stationDevice,
    body: jsonBody(renameDeviceSchema),
    responses: { '200': json(out.deviceSchema, 'The device') },
    refuses: { '404': 'NOT_FOUND', '409': 'DEVICE_NAME_TAKEN, DEVICE_REVOKED', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/stations/{id}/devices/{deviceId}/rotate-token',
    tag: 'devices',
    summary: "Replace a device's token",
    auth: 'user',
    roles: ['admin'],
    path_: stationDevice,
    responses: { '200': json(out.tokenSchema, 'The new token') },
    refuses: { '404': 'NOT_FOUND', '409': 'DEVICE_REVOKED', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/stations/{id}/devices/{deviceId}/revoke',
    tag: 'devices',
    summary: 'Revoke a device: its token stops working at once',
    auth: 'user',
    roles: ['admin'],
    path_: stationDevice,
    responses: { '200': json(out.deviceSchema, 'The device, revoked') },
    refuses: { '404': 'NOT_FOUND', '409': 'DEVICE_REVOKED', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/devices/{id}/presence',
    tag: 'devices',
    summary: "A device's online/offline history, newest first",
    auth: 'user-or-station',
    path_: id,
    query: presenceQuery,
    responses: { '200': json(out.presenceSchema, 'Presence changes') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/fleet',
    tag: 'devices',
    summary: "Every loudspeaker's health at a glance, offline first; airings about to start without their file",
    auth: 'user',
    responses: { '200': json(out.fleetSchema, 'The fleet') },
  },
  // ── Plans and airings ──
  {
    method: 'post',
    path: '/api/v1/plans',
    tag: 'plans',
    summary: 'Plan an episode on stations (a draft: airings are placed in their grids)',
    auth: 'user',
    roles: ['admin', 'editor'],
    body: jsonBody(createPlanSchema),
    responses: { '201': json(out.planResultSchema, 'The draft, with each station’s airings and shortfall') },
    refuses: { '409': 'EPISODE_NOT_READY', '422': 'VALIDATION_FAILED, UNKNOWN_EPISODE, UNKNOWN_STATIONS, NO_STATIONS, PERIOD_OVER, PERIOD_TOO_LONG' },
  },
  {
    method: 'get',
    path: '/api/v1/plans',
    tag: 'plans',
    summary: 'Plans, newest first',
    auth: 'user',
    roles: ['admin', 'editor', 'viewer'],
    query: plansQuery,
    responses: { '200': json(out.planPageSchema, 'A page of plans') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/plans/{id}',
    tag: 'plans',
    summary: 'One plan with its stations and airings',
    auth: 'user',
    roles: ['admin', 'editor', 'viewer'],
    path_: id,
    responses: { '200': json(out.planResultSchema, 'The plan') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  ...(['approve', 'cancel'] as const).map(
    (action): Entry => ({
      method: 'post',
      path: `/api/v1/plans/{id}/${action}`,
      tag: 'plans',
      summary: action === 'approve' ? 'Approve a draft: its airings go live and stations hear of it' : 'Cancel a plan and its airings',
      auth: 'user',
      roles: action === 'approve' ? ['admin'] : ['admin', 'editor'],
      path_: id,
      responses: { '200': json(out.planResultSchema, 'The plan') },
      refuses: { '404': 'NOT_FOUND', '409': 'PLAN_NOT_DRAFT, AIRING_CONFLICT', '422': 'VALIDATION_FAILED' },
    }),
  ),
  {
    method: 'get',
    path: '/api/v1/airings/{id}',
    tag: 'plans',
    summary: 'One airing',
    auth: 'user',
    path_: id,
    responses: { '200': json(out.airingSchema, 'The airing') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'patch',
    path: '/api/v1/airings/{id}',
    tag: 'plans',
    summary: 'Move an airing to another start',
    auth: 'user',
    roles: ['admin', 'editor'],
    path_: id,
    body: jsonBody(moveAiringSchema),
    responses: { '200': json(out.airingSchema, 'The airing, moved') },
    refuses: { '404': 'NOT_FOUND', '409': 'AIRING_CONFLICT, AIRING_STARTED, AIRING_CANCELLED', '422': 'VALIDATION_FAILED, IN_THE_PAST, QUIET_HOURS, OUTSIDE_GRID' },
  },
  {
    method: 'post',
    path: '/api/v1/airings/{id}/cancel',
    tag: 'plans',
    summary: 'Cancel one airing',
    auth: 'user',
    roles: ['admin', 'editor'],
    path_: id,
    responses: { '200': json(out.airingSchema, 'The airing, cancelled') },
    refuses: { '404': 'NOT_FOUND', '409': 'AIRING_STARTED, AIRING_CANCELLED', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/airings/{id}/aired',
    tag: 'tracking',
    summary: 'Mark an airing as aired by hand (a manual play); one already on record answers 409 ALREADY_RECORDED',
    auth: 'user',
    roles: ['operator', 'admin', 'editor'],
    path_: id,
    body: jsonBody(airedSchema, false),
    responses: { '201': json(out.playResultSchema, 'Recorded') },
    refuses: { '404': 'NOT_FOUND', '409': 'AIRING_NOT_LIVE, ALREADY_RECORDED', '422': 'VALIDATION_FAILED, PLAY_REJECTED' },
  },
  // ── A station's own device ──
  {
    method: 'get',
    path: '/api/v1/station/manifest',
    tag: 'station',
    summary: "The device's schedule: airings with signed media links (ETag / If-None-Match)",
    auth: 'station',
    headers: z.object({ 'if-none-match': z.string().optional() }),
    responses: { '200': json(out.manifestSchema, 'The manifest (ETag: its version)'), '304': { description: 'Unchanged since the version named in If-None-Match' } },
  },
  {
    method: 'get',
    path: '/api/v1/station/schedule.ics',
    tag: 'station',
    summary: 'The same schedule as iCalendar',
    auth: 'station',
    responses: { '200': { description: 'iCalendar', content: { 'text/calendar': { schema: text('RFC 5545') } } } },
  },
  {
    method: 'get',
    path: '/api/v1/station/today.m3u',
    tag: 'station',
    summary: "Today's airings as an M3U playlist",
    auth: 'station',
    responses: { '200': { description: 'M3U', content: { 'audio/x-mpegurl': { schema: text('#EXTM3U playlist') } } } },
  },
  {
    method: 'get',
    path: '/api/v1/station/events',
    tag: 'station',
    summary: 'The live channel (Server-Sent Events): hello, manifest, play-now, stop, status, revoked',
    description: 'Resume with Last-Event-ID (header) or ?lastEventId=. Event payloads: ChannelEvents in src/wire/station-protocol.ts.',
    auth: 'station',
    query: z.object({ lastEventId: z.string().optional() }),
    headers: z.object({ 'last-event-id': z.string().optional() }),
    responses: { '200': { description: 'An event stream that stays open', content: { 'text/event-stream': { schema: text('event: <type>\\ndata: <json>\\n\\n') } } } },
  },
  {
    method: 'post',
    path: '/api/v1/station/heartbeat',
    tag: 'station',
    summary: "A device's health: in full when something changed, else {same: true}",
    auth: 'station',
    body: jsonBody(z.union([heartbeatSchema, z.object({ same: z.literal(true) })])),
    responses: { '200': json(out.heartbeatAnswerSchema, 'A full heartbeat stored'), '204': { description: '{same: true} noted' } },
    refuses: { '409': 'HEARTBEAT_FULL_NEEDED: send a full heartbeat', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/station/plays',
    tag: 'station',
    summary: 'Play reports, a batch at a time; each event gets its own verdict',
    auth: 'station',
    // The route parses only the envelope (batchSchema), then each event on its own: the items are described here.
    body: jsonBody(
      batchSchema.extend({
        plays: z
          .array(z.union([playEventSchema.extend({ outcome: z.literal('played').optional() }), missedSchema.extend({ outcome: z.literal('missed') })]))
          .min(1)
          .max(1000),
      }),
    ),
    responses: { '200': json(out.playResultsSchema, 'One result per event, in order') },
    refuses: { '422': 'VALIDATION_FAILED: not a batch' },
  },
  {
    method: 'get',
    path: '/api/v1/station/media/{stationId}/{file}',
    tag: 'station',
    summary: 'A media file through the signed link in the manifest (no token; Range requests resume)',
    auth: 'signed-link',
    path_: mediaParams,
    query: mediaQuery,
    headers: z.object({ range: z.string().optional() }),
    responses: {
      '200': { description: 'The whole file', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
      '206': { description: 'The requested range', content: { 'audio/mpeg': { schema: binary('MP3') }, 'audio/ogg': { schema: binary('Opus in Ogg') } } },
    },
    refuses: { '404': 'NOT_FOUND', '416': 'RANGE_NOT_SATISFIABLE' },
  },
  // ── Play now ──
  {
    method: 'post',
    path: '/api/v1/play-now',
    tag: 'play-now',
    summary: '“Phát ngay”: an emergency on the chosen stations, starting now',
    auth: 'user',
    roles: ['admin'],
    body: jsonBody(playNowSchema),
    responses: { '201': json(out.playNowViewSchema, 'On air') },
    refuses: { '409': 'EPISODE_NOT_READY', '422': 'VALIDATION_FAILED, UNKNOWN_EPISODE, UNKNOWN_STATIONS' },
  },
  {
    method: 'get',
    path: '/api/v1/play-now',
    tag: 'play-now',
    summary: 'Recent play-nows',
    auth: 'user',
    roles: ['admin'],
    query: playNowQuery,
    responses: { '200': json(out.playNowListSchema, 'Play-nows, newest first') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/play-now/{id}',
    tag: 'play-now',
    summary: 'One play-now with its stations',
    auth: 'user',
    roles: ['admin'],
    path_: id,
    responses: { '200': json(out.playNowViewSchema, 'The play-now') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'post',
    path: '/api/v1/play-now/{id}/stop',
    tag: 'play-now',
    summary: '“Dừng phát”: cut its airings short on every station',
    auth: 'user',
    roles: ['admin'],
    path_: id,
    responses: { '200': json(out.playNowViewSchema, 'Stopped') },
    refuses: { '404': 'NOT_FOUND', '422': 'VALIDATION_FAILED' },
  },
  // ── Counts and reports ──
  {
    method: 'get',
    path: '/api/v1/stats/rebroadcasts',
    tag: 'reports',
    summary: 'Rebroadcast counts against targets, by station, episode or month',
    auth: 'user',
    query: periodQuery().extend(statsQuery.shape),
    responses: { '200': json(out.rebroadcastStatsSchema, 'Counts') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  {
    method: 'get',
    path: '/api/v1/reports/compliance',
    tag: 'reports',
    summary: 'The compliance report (stations × months): JSON, CSV, XLSX or PDF',
    auth: 'user',
    query: periodQuery().extend(reportQuery.shape),
    responses: {
      '200': {
        description: 'The report, in the format asked for',
        content: {
          'application/json': { schema: out.complianceReportSchema },
          'text/csv': { schema: text('UTF-8 with BOM') },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: binary('XLSX workbook') },
          'application/pdf': { schema: binary('The printed form, rendered from the dashboard’s print page') },
        },
      },
    },
    refuses: { '422': 'VALIDATION_FAILED', '503': 'PDF rendering unavailable (no Chromium)' },
  },
  {
    method: 'get',
    path: '/api/v1/alerts',
    tag: 'alerts',
    summary: 'Alerts (devices offline, airings missed, files not delivered)',
    auth: 'user',
    query: alertsQuery,
    responses: { '200': json(out.alertPageSchema, 'A page of alerts') },
    refuses: { '422': 'VALIDATION_FAILED' },
  },
  // ── Resumable uploads (tus 1.0) ──
  {
    method: 'post',
    path: '/api/v1/uploads/tus',
    tag: 'uploads',
    summary: 'Create a resumable upload (tus 1.0 creation; creation-with-upload allowed)',
    description: 'Upload-Metadata carries the multipart form’s fields (title, series, language, description, urgent) plus stationId, filename, filetype.',
    auth: 'user',
    roles: ['admin', 'editor', 'operator'],
    headers: z.object({
      'tus-resumable': tusHeaders.resumable,
      'upload-length': z.string().regex(/^\d+$/).meta({ description: 'The file size in bytes' }),
      'upload-metadata': z.string().meta({ description: 'Comma-separated "key base64value" pairs' }),
    }),
    body: { content: { 'application/offset+octet-stream': { schema: binary('The first bytes of the file (optional)') } } },
    responses: { '201': { description: 'Created (Location: the upload URL, /api/v1/uploads/tus/<episode id>; Upload-Offset)' } },
    refuses: { '400': 'VALIDATION_FAILED: a header', '413': 'TOO_LARGE', '415': 'NOT_AUDIO', '422': 'VALIDATION_FAILED: a metadata field' },
  },
  {
    method: 'options',
    path: '/api/v1/uploads/tus',
    tag: 'uploads',
    summary: 'tus capabilities (Tus-Version, Tus-Extension, Tus-Max-Size)',
    auth: 'user',
    responses: { '204': { description: 'Capabilities in the headers' } },
  },
  {
    method: 'head',
    path: '/api/v1/uploads/tus/{id}',
    tag: 'uploads',
    summary: 'How much of an upload the server holds (Upload-Offset, Upload-Length)',
    auth: 'user',
    path_: id,
    headers: z.object({ 'tus-resumable': tusHeaders.resumable }),
    responses: { '200': { description: 'Upload-Offset and Upload-Length in the headers' } },
    refuses: { '404': 'NOT_FOUND (no body: HEAD)', '410': 'UPLOAD_EXPIRED' },
  },
  {
    method: 'patch',
    path: '/api/v1/uploads/tus/{id}',
    tag: 'uploads',
    summary: 'Send the next piece of an upload',
    auth: 'user',
    path_: id,
    headers: z.object({ 'tus-resumable': tusHeaders.resumable, 'upload-offset': z.string().regex(/^\d+$/) }),
    body: { required: true, content: { 'application/offset+octet-stream': { schema: binary('The bytes from Upload-Offset on') } } },
    responses: { '204': { description: 'Stored (Upload-Offset: the new offset; Episode-Location once the file is complete)' } },
    refuses: { '404': 'NOT_FOUND', '409': 'OFFSET_MISMATCH', '410': 'UPLOAD_EXPIRED', '413': 'BEYOND_UPLOAD_LENGTH', '415': 'NOT_AUDIO, CONTENT_TYPE_REQUIRED', '422': 'EMPTY' },
  },
  {
    method: 'delete',
    path: '/api/v1/uploads/tus/{id}',
    tag: 'uploads',
    summary: 'Abandon an unfinished upload',
    auth: 'user',
    path_: id,
    headers: z.object({ 'tus-resumable': tusHeaders.resumable }),
    responses: { '204': { description: 'Removed' } },
    refuses: { '404': 'NOT_FOUND' },
  },
  {
    method: 'options',
    path: '/api/v1/uploads/tus/{id}',
    tag: 'uploads',
    summary: 'tus capabilities',
    auth: 'user',
    path_: id,
    responses: { '204': { description: 'Capabilities in the headers' } },
  },
];

function operation(e: Entry): ZodOpenApiOperationObject {
  const who = e.auth === 'station' ? 'A station device token (lxs_…).' : e.roles ? `Roles: ${e.roles.join(', ')}.` : '';
  return {
    operationId: `${e.method}${e.path.replace(/^\/api\/v1/, '').replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [e.tag],
    summary: e.summary,
    ...(e.description || who ? { description: [e.description, who].filter(Boolean).join(' ') } : {}),
    security: SECURITY[e.auth],
    ...(e.path_ || e.query || e.headers ? { requestParams: { ...(e.path_ ? { path: e.path_ } : {}), ...(e.query ? { query: e.query as z.ZodObject } : {}), ...(e.headers ? { header: e.headers } : {}) } } : {}),
    ...(e.body ? { requestBody: e.body } : {}),
    responses: { ...e.responses, ...refusals(e.auth, e.refuses ?? {}) },
  };
}

/** Every documented operation, as "METHOD /path" with OpenAPI path templates. */
export const DOCUMENTED_OPERATIONS: readonly string[] = ENTRIES.map((e) => `${e.method.toUpperCase()} ${e.path}`);

let built: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(): ReturnType<typeof createDocument> {
  if (built) return built;
  const paths: ZodOpenApiPathsObject = {};
  for (const e of ENTRIES) paths[e.path] = { ...paths[e.path], [e.method]: operation(e) };
  built = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Loa xã API',
      version: '1',
      description:
        'Commune loudspeaker distribution: episodes, stations and their devices, plans and airings, play reports and compliance reports. ' +
        'Errors always answer {"error": {"code", "message" (Vietnamese), "messageEn", "details"?}}.',
    },
    tags: ['health', 'auth', 'episodes', 'bulletins', 'uploads', 'stations', 'areas', 'users', 'audit', 'devices', 'plans', 'play-now', 'tracking', 'station', 'reports', 'alerts'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        userToken: { type: 'http', scheme: 'bearer', description: 'A person’s token (user:create in the CLI) or ADMIN_TOKEN' },
        stationToken: { type: 'http', scheme: 'bearer', bearerFormat: 'lxs_…', description: 'A station device’s token, shown when the station or device is created' },
      },
    },
  });
  return built;
}
