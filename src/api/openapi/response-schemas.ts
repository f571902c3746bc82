import { z } from 'zod';

/**
 * What the API answers, as zod schemas for the OpenAPI document (nothing parses with them at run time).
 * They mirror the view functions of the services (toStationView, toEpisodeView, …); the contract test checks real
 * answers against them, so a field added to a view without being added here fails that test.
 * Objects are closed (additionalProperties: false) where the view is ours alone; the wire formats a station agent
 * reads stay open, because their readers must tolerate new fields (src/wire/station-protocol.ts).
 */

// Ids as a format, not zod's long pattern: the document stays readable, and ajv-formats still checks them.
const uuid = z.string().meta({ format: 'uuid' });
/** Instants: ISO 8601, UTC ("Z") or with the station's offset. */
const instant = z.string().meta({ format: 'date-time' });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).meta({ description: 'A calendar date, YYYY-MM-DD' });
const month = z.string().regex(/^\d{4}-\d{2}$/).meta({ description: 'A month, YYYY-MM' });
const count = z.number().int().min(0);
const priority = z.enum(['normal', 'priority', 'emergency']);

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND' }),
      message: z.string().meta({ description: 'For people: Vietnamese' }),
      messageVi: z.string().optional().meta({ description: 'The Vietnamese message again, by its own name' }),
      messageEn: z.string().meta({ description: 'The same in English' }),
      details: z.unknown().optional().meta({ description: 'For VALIDATION_FAILED: [{field, rule, message}]; other codes carry their own facts' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx answer of the JSON API' });

export const healthSchema = z.object({ status: z.literal('ok') });
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.string()).meta({ description: 'Each dependency: "ok" or "down: <why>"' }),
});

export const meSchema = z.object({
  id: uuid.nullable().meta({ description: 'The user (null for ADMIN_TOKEN and station devices)' }),
  login: z.string().nullable(),
  displayName: z.string(),
  name: z.string().meta({ description: 'The display name again (older clients read it)' }),
  role: z.enum(['admin', 'editor', 'viewer', 'operator', 'station']),
  areaId: uuid.nullable(),
  stationId: uuid.nullable(),
  mustChangePassword: z.boolean(),
  csrfToken: z.string().optional().meta({ description: 'Only with the session cookie: send it as x-csrf-token on writes' }),
});

export const personalTokenSchema = z.object({ id: uuid, label: z.string().nullable(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export const newPersonalTokenSchema = z.object({ id: uuid, label: z.string().nullable(), token: z.string().meta({ description: 'Shown once' }), createdAt: z.string() });
export const setupAdminSchema = z.object({ id: uuid, login: z.string(), displayName: z.string(), role: z.literal('admin'), areaId: uuid });

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: count, limit: count, offset: count });

// ── Episodes ─────────────────────────────────────────────────────────────────────────────────────────────────

export const renditionSchema = z
  .object({
    name: z.enum(['mp3', 'opus']),
    format: z.string(),
    codec: z.string(),
    mimeType: z.string(),
    bitrateKbps: z.number(),
    channels: z.number().int(),
    sampleRate: z.number().int(),
    durationSec: z.number(),
    sizeBytes: count,
    sha256: z.string(),
    loudness: z.object({ integratedLufs: z.number(), truePeakDbtp: z.number() }),
    url: z.string().meta({ description: 'GET this path (with a token) to download the file' }),
  })
  .meta({ id: 'Rendition' });

export const episodeSchema = z
  .object({
    id: uuid,
    title: z.string(),
    series: z.string().nullable(),
    language: z.string(),
    description: z.string().nullable(),
    status: z.enum(['processing', 'ready', 'failed']),
    stationId: uuid.nullable().meta({ description: "Set when a commune uploaded it: that station's own programme" }),
    urgent: z.boolean(),
    source: z.enum(['upload', 'tts']),
    text: z.string().nullable(),
    speechRate: z.number().nullable(),
    progress: z.number().min(0).max(100).meta({ description: 'Transcoding progress, per cent' }),
    error: z.object({ code: z.string(), message: z.string(), messageEn: z.string() }).nullable(),
    durationSec: z.number().nullable(),
    original: z.object({ filename: z.string().nullable(), contentType: z.string().nullable(), sizeBytes: count, sha256: z.string() }),
    renditions: z.array(renditionSchema),
    createdAt: instant,
    updatedAt: instant,
    readyAt: instant.nullable(),
  })
  .meta({ id: 'Episode' });

export const episodePageSchema = page(episodeSchema);
export const episodeLinkSchema = z.object({
  url: z.string().meta({ description: 'Opens without a token: a presigned storage link or a link signed by this service' }),
  expiresAt: instant,
  mimeType: z.string(),
});

// ── Devices (loudspeaker clusters) ───────────────────────────────────────────────────────────────────────────

const nowPlaying = z.looseObject({ airingId: uuid.nullable(), episodeId: uuid, title: z.string(), startedAt: instant }).nullable();
const nextAiring = z.looseObject({ airingId: uuid, title: z.string(), startsAt: instant, fileReady: z.boolean() }).nullable();

export const deviceHealthSchema = z
  .object({
    online: z.boolean(),
    since: instant.nullable(),
    lastSeenAt: instant.nullable(),
    nowPlaying,
    nextAiring,
    fileReady: z.boolean().nullable(),
    pendingReports: count.nullable(),
    freeDiskBytes: count.nullable(),
    lastError: z.string().nullable(),
    agentVersion: z.string().nullable(),
    uptimeSec: z.number().nullable(),
    cacheBytes: count.nullable(),
    clockOffsetMs: z.number().nullable(),
    channel: z.enum(['open', 'closed']).nullable(),
  })
  .meta({ id: 'DeviceHealth' });

const deviceFields = {
  id: uuid,
  name: z.string(),
  primary: z.boolean(),
  revokedAt: instant.nullable(),
  createdAt: instant,
  health: deviceHealthSchema,
};
export const deviceSchema = z.object(deviceFields).meta({ id: 'Device' });
export const newDeviceSchema = z
  .object({ ...deviceFields, token: z.string().meta({ description: 'The device token (lxs_…), shown this once' }) })
  .meta({ id: 'NewDevice' });
export const tokenSchema = z.object({ token: z.string().meta({ description: 'The new token, shown this once; the old one stops working' }) });
export const stationDevicesSchema = z.object({ stationId: uuid, items: z.array(deviceSchema) });
export const presenceSchema = z.object({ deviceId: uuid, items: z.array(z.object({ at: instant, online: z.boolean() })) });
export const fleetSchema = z.object({
  summary: z.object({ total: count, online: count, offline: count }),
  devices: z.array(z.object({ id: uuid, name: z.string(), stationId: uuid, stationCode: z.string(), stationName: z.string(), health: deviceHealthSchema })),
  notReady: z.array(
    z.object({
      deviceId: uuid,
      deviceName: z.string(),
      stationId: uuid,
      stationCode: z.string(),
      stationName: z.string(),
      airingId: uuid,
      title: z.string(),
      startsAt: instant,
    }),
  ),
});

// ── Stations ─────────────────────────────────────────────────────────────────────────────────────────────────

const gridSlot = z.object({ days: z.array(z.number().int().min(1).max(7)), start: z.string(), durationMin: z.number().int() });

const stationFields = {
  id: uuid,
  code: z.string(),
  name: z.string(),
  timezone: z.string(),
  grid: z.array(gridSlot),
  webhookUrl: z.string().nullable(),
  rendition: z.enum(['mp3', 'opus']),
  active: z.boolean(),
  areaId: uuid.meta({ description: 'The commune area (the root for stations not yet filed)' }),
  lastContactAt: instant.nullable(),
  lastPush: z
    .object({
      at: instant.nullable(),
      result: z.string().nullable(),
      statusCode: z.number().int().nullable(),
      attempts: count,
      wantedVersion: z.string().nullable(),
      deliveredVersion: z.string().nullable(),
      deliveredAt: instant.nullable(),
    })
    .nullable(),
  createdAt: instant,
  updatedAt: instant,
  devices: z.array(deviceSchema).optional(),
};
export const stationSchema = z.object(stationFields).meta({ id: 'Station' });
export const newStationSchema = z
  .object({
    ...stationFields,
    token: z.string().meta({ description: "The first device's token (lxs_…), shown this once" }),
    webhookSecret: z.string().meta({ description: 'Standard Webhooks secret (whsec_…), shown this once' }),
  })
  .meta({ id: 'NewStation' });
export const stationPageSchema = page(stationSchema);
export const webhookSecretSchema = z.object({ webhookSecret: z.string() });
export const gridCheckResultSchema = z
  .object({
    ok: z.boolean().meta({ description: 'true when a save would accept this grid' }),
    problems: z.array(
      z.object({
        slotIndex: count.meta({ description: 'Index into grid (0-based); messages count from 1' }),
        rule: z.enum(['quiet_hours', 'overlap', 'max_session', 'malformed']),
        messageVi: z.string(),
        messageEn: z.string(),
        otherSlotIndex: count.optional().meta({ description: 'For overlap: the earlier slot it collides with' }),
      }),
    ),
    rules: z.object({ quietStart: z.string(), quietEnd: z.string(), maxSessionMin: z.number().int(), timezone: z.string() }),
  })
  .meta({ id: 'GridCheck' });
export const userTokenSchema = z
  .object({ id: uuid, label: z.string().nullable(), token: z.string().meta({ description: 'Shown this once; only its hash is stored' }), createdAt: instant })
  .meta({ id: 'UserToken' });

// ── Plans and airings ────────────────────────────────────────────────────────────────────────────────────────

const airingFields = {
  id: uuid,
  planId: uuid,
  stationId: uuid,
  episodeId: uuid,
  startsAt: instant,
  endsAt: instant,
  priority,
  status: z.string().meta({ description: 'draft, live, cancelled, …' }),
  slotIndex: z.number().int().nullable(),
};
export const airingSchema = z.object(airingFields).meta({ id: 'Airing' });

export const stationAiringsSchema = z.object({
  stationId: uuid,
  from: localDate,
  to: localDate,
  items: z.array(
    z.object({
      ...airingFields,
      title: z.string(),
      devices: z.array(z.object({ deviceId: uuid, name: z.string(), outcome: z.enum(['played', 'partial', 'missed', 'scheduled']), reason: z.string().optional() })),
    }),
  ),
});

export const deliveriesSchema = z.object({
  items: z.array(
    z.object({
      episodeId: uuid,
      rendition: z.string(),
      sizeBytes: count,
      bytesServed: count,
      ranges: z.unknown().meta({ description: 'The byte spans sent so far' }),
      completedAt: instant.nullable(),
    }),
  ),
});

export const planSchema = z
  .object({
    id: uuid,
    episodeId: uuid,
    status: z.string().meta({ description: 'draft, approved or cancelled' }),
    priority,
    airingsPerStation: z.number().int(),
    from: localDate,
    to: localDate,
    minGapHours: z.number(),
    createdAt: instant,
    approvedAt: instant.nullable(),
    cancelledAt: instant.nullable(),
    areas: z
      .array(z.object({ id: uuid, name: z.string(), code: z.string().nullable(), kind: z.string() }))
      .meta({ description: 'The areas the plan was made for ("every commune under X"); empty when it named stations' }),
  })
  .meta({ id: 'Plan' });

export const planResultSchema = z
  .object({
    plan: planSchema,
    stations: z.array(
      z.object({
        stationId: uuid,
        code: z.string(),
        name: z.string(),
        requested: count,
        placed: count,
        shortfall: z.object({ missing: count, reason: z.string(), message: z.string(), messageEn: z.string().optional(), messageVi: z.string() }).nullable(),
        airings: z.array(airingSchema),
      }),
    ),
  })
  .meta({ id: 'PlanResult' });
export const planPageSchema = page(planSchema);

// ── Play now ─────────────────────────────────────────────────────────────────────────────────────────────────

export const playNowViewSchema = z
  .object({
    id: uuid,
    episodeId: uuid,
    title: z.string(),
    status: z.enum(['playing', 'stopped', 'ended']),
    startedAt: instant.nullable(),
    endsAt: instant.nullable(),
    stoppedAt: instant.nullable(),
    stationCount: count,
    stations: z.array(z.object({ stationId: uuid, code: z.string(), name: z.string(), airingId: uuid })).optional(),
  })
  .meta({ id: 'PlayNow' });
export const playNowListSchema = z.object({ items: z.array(playNowViewSchema) });

// ── Station devices' own endpoints (wire formats: open objects) ───────────────────────────────────────────────

export const playResultSchema = z
  .looseObject({
    eventId: z.string().nullable(),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    reason: z.string().optional(),
    message: z.string().optional(),
    messageEn: z.string().optional(),
    messageVi: z.string().optional(),
  })
  .meta({ id: 'PlayResult' });
export const playResultsSchema = z.looseObject({ results: z.array(playResultSchema) });

export const heartbeatAnswerSchema = z.looseObject({ serverTime: instant, heartbeatSec: z.number().int().positive() });

export const manifestSchema = z
  .looseObject({
    station: z.looseObject({ id: uuid, code: z.string(), name: z.string(), timezone: z.string() }),
    version: z.string(),
    generatedAt: instant,
    airings: z.array(
      z.looseObject({
        id: uuid,
        episodeId: uuid,
        title: z.string(),
        startsAt: instant,
        endsAt: instant,
        priority,
        media: z.looseObject({ url: z.string(), format: z.string(), sizeBytes: count, sha256: z.string(), durationSec: z.number() }),
      }),
    ),
  })
  .meta({ id: 'Manifest' });

// ── Counts and reports (rows grow as reports learn more: open objects) ───────────────────────────────────────

const activity = { scheduled: count, aired: count, onSchedule: count, offSchedule: count, partial: count, missed: count };
const period = z.object({ from: localDate, to: localDate });

export const complianceRowSchema = z
  .looseObject({
    stationId: uuid,
    stationCode: z.string(),
    stationName: z.string(),
    month,
    wholeMonth: z.boolean(),
    ...activity,
    ownProgrammes: count,
    rebroadcastTarget: count,
    ownProgrammeTarget: count,
    rebroadcastsMet: z.boolean(),
    ownProgrammesMet: z.boolean(),
    compliant: z.boolean(),
    status: z
      .enum(['met', 'not_met', 'in_progress', 'upcoming', 'not_active'])
      .optional()
      .meta({ description: 'Only met/not_met are judged; a month before the station existed is not_active, the current one in_progress' }),
  })
  .meta({ id: 'ComplianceRow' });

/** A subtotal line of the report rolled up by area (province → grouping → commune), in tree order. */
export const areaSubtotalSchema = z
  .object({
    areaId: uuid,
    parentId: uuid.nullable(),
    kind: z.string(),
    name: z.string(),
    code: z.string().nullable(),
    depth: z.number().int().meta({ description: '0 for the top of the caller\'s area, 1 for its children, …' }),
    stations: count,
    totals: z.looseObject({ ...activity, ownProgrammes: count, rebroadcastTarget: count, ownProgrammeTarget: count, rows: count, compliantRows: count, compliant: z.boolean() }),
  })
  .meta({ id: 'AreaSubtotal' });

export const complianceReportSchema = z.object({
  title: z.string(),
  period,
  rows: z.array(complianceRowSchema),
  totals: z.looseObject({ ...activity, ownProgrammes: count, rebroadcastTarget: count, ownProgrammeTarget: count, rows: count, compliantRows: count, compliant: z.boolean() }),
  areas: z.array(areaSubtotalSchema).meta({ description: 'Subtotals by area, of the caller\'s area and below' }),
  document: z
    .object({ issuer: z.string(), issuerParent: z.string().nullable(), place: z.string().nullable(), signerTitle: z.string() })
    .optional()
    .meta({ description: 'What the printed form needs besides the table: the issuing unit, place and signer' }),
});

export const rebroadcastStatsSchema = z.object({
  period,
  groupBy: z.enum(['station', 'episode', 'month']),
  rows: z.array(
    z
      .looseObject({ ...activity, rebroadcastTarget: count, target: count, compliant: z.boolean() })
      .meta({ description: 'Per station (stationId, stationCode, stationName, months, …), episode (episodeId, stations, …) or month (month, stations, …)' }),
  ),
  totals: z.looseObject({ ...activity, rebroadcastTarget: count, target: count, compliant: z.boolean() }),
  areas: z.array(areaSubtotalSchema).meta({ description: 'Subtotals by area, of the caller\'s area and below' }),
});

// ── Alerts ───────────────────────────────────────────────────────────────────────────────────────────────────

export const alertSchema = z
  .object({
    id: uuid,
    kind: z.enum(['device_offline', 'airing_missed', 'file_not_delivered']),
    status: z.enum(['open', 'resolved']),
    stationId: uuid,
    stationCode: z.string(),
    stationName: z.string(),
    deviceId: uuid.nullable(),
    deviceName: z.string().nullable(),
    airingId: uuid.nullable(),
    openedAt: instant,
    resolvedAt: instant.nullable(),
    message: z.string(),
    messageEn: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Alert' });
export const alertPageSchema = z.object({ items: z.array(alertSchema), total: count, open: count, limit: count, offset: count });

// ── Areas, users, the audit log ─────────────────────────────────────────────────────────────────────────────

const areaFields = {
  id: uuid,
  parentId: uuid.nullable(),
  kind: z.enum(['root', 'province', 'grouping', 'commune']),
  name: z.string(),
  code: z.string().nullable().meta({ description: 'Official administrative code (province 2 digits, grouping 3, commune 5)' }),
  path: z.string().meta({ description: "'/<root id>/…/<own id>/': everything below an area shares its prefix" }),
  depth: count.meta({ description: '0 for the root, 1 for a province, …' }),
  active: z.boolean(),
  stations: count.optional().meta({ description: 'Stations directly in this area' }),
  users: count.optional().meta({ description: 'Users acting for this area' }),
  children: count.optional().meta({ description: 'Areas directly below' }),
  createdAt: instant,
  updatedAt: instant,
};
export const areaSchema = z.object(areaFields).meta({ id: 'Area' });
type AreaNode = z.infer<typeof areaSchema> & { subareas: AreaNode[] };
export const areaNodeSchema: z.ZodType<AreaNode> = z
  .object({
    ...areaFields,
    get subareas(): z.ZodArray<z.ZodType<AreaNode>> {
      return z.array(areaNodeSchema);
    },
  })
  .meta({ id: 'AreaNode' });
export const areaListSchema = z.object({
  items: z.union([z.array(areaSchema), z.array(areaNodeSchema)]).meta({ description: 'shape=flat: depth first, parents before children; shape=tree: nested under subareas' }),
});

export const userSchema = z
  .object({
    id: uuid,
    login: z.string(),
    displayName: z.string(),
    role: z.enum(['admin', 'editor', 'operator', 'viewer']),
    areaId: uuid,
    areaName: z.string(),
    stationId: uuid.nullable(),
    disabled: z.boolean(),
    disabledAt: instant.nullable(),
    mustChangePassword: z.boolean(),
    hasPassword: z.boolean(),
    passwordChangedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'User', description: 'Never the password or its hash' });
export const userPageSchema = page(userSchema);

export const auditEntrySchema = z
  .object({
    id: z.string().regex(/^\d+$/).meta({ description: 'The entry number (in order of recording)' }),
    at: instant,
    actorId: uuid.nullable(),
    actorName: z.string(),
    actorRole: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable().meta({ description: 'X-Request-Id of the request that made the change' }),
    action: z.string().meta({ description: "A dotted verb: 'station.update', 'plan.approve', 'user.reset_password', 'session.sign_in_failed'" }),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    areaPath: z.string().nullable(),
    before: z.unknown().meta({ description: 'For edits: the changed fields as they were' }),
    after: z.unknown().meta({ description: 'The changed fields as they became (never a secret)' }),
  })
  .meta({ id: 'AuditEntry' });
export const auditPageSchema = page(auditEntrySchema);
