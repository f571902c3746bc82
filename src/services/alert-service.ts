import type { AccessPrincipal } from '../domain/access/policy.js';
import { accessService } from './access.js';
import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { alertsRepo, type AlertFilter, type AlertRow } from '../db/alerts-repo.js';
import { decideAlerts, describeAlert, offlineThresholdMs, type AlertDetails, type AlertEvent, type AlertKind, type AlertRuleConfig } from '../domain/alerts/index.js';
import type { Logger } from '../logger.js';
import type { JobQueues } from '../queue/queues.js';

// The longest airing there is (as in tracking): bounds the missed-airing scan to the starts_at index.
const MAX_AIRING_MS = 24 * 3600_000;
// Missed airings are looked for this long after they became missed: a scheduler that was down a few hours catches
// up, a fresh deployment does not raise an alert for every airing of last year.
const MISSED_LOOKBACK_MS = 24 * 3600_000;
// Undelivered events this old or younger are re-queued if their job was lost (Redis down at the tick, flushed).
const REDELIVER_WINDOW_MS = 24 * 3600_000;
// Events the tick itself just queued are left alone for a while.
const REDELIVER_AFTER_MS = 60_000;
const REDELIVER_PER_TICK = 1000;
const ENQUEUE_CONCURRENCY = 20;

export class AlertWebhookFailed extends Error {
  override name = 'AlertWebhookFailed';
}

/** An alert as the API lists it and the webhook sends it. */
export interface AlertView {
  id: string;
  kind: AlertKind;
  status: 'open' | 'resolved';
  stationId: string;
  stationCode: string;
  stationName: string;
  deviceId: string | null;
  deviceName: string | null;
  airingId: string | null;
  openedAt: string;
  resolvedAt: string | null;
  message: string;
  messageEn: string;
  details: AlertDetails;
}

export function toAlertView(a: AlertRow, now: Date): AlertView {
  // How long a device has been silent is a moving figure: say it as of now (or as of when it came back).
  const text = a.kind === 'device_offline' ? describeAlert(a.kind, a.details, a.resolvedAt ?? now) : { message: a.details.message, messageEn: a.details.messageEn };
  return {
    id: a.id,
    kind: a.kind,
    status: a.resolvedAt ? 'resolved' : 'open',
    stationId: a.stationId,
    stationCode: a.stationCode,
    stationName: a.stationName,
    deviceId: a.deviceId,
    deviceName: a.deviceName ?? a.details.deviceName ?? null,
    airingId: a.airingId,
    openedAt: a.openedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    ...text,
    details: a.details,
  };
}

export interface AlertDeps {
  db: Database;
  config: Config;
  queues: JobQueues;
  logger: Logger;
  now?: () => Date;
}

/** Alerts for the duty officer: judged every tick from the database, listed on the API, sent to a webhook. */
export function alertService(deps: AlertDeps) {
  const now = deps.now ?? (() => new Date());
  const { config } = deps;
  const rules: AlertRuleConfig = {
    offlineMin: config.alerts.offlineMin,
    fileLeadMin: config.alerts.fileLeadMin,
    heartbeatSec: config.live.deviceHeartbeatSec,
    missedGraceSec: config.tracking.missedGraceSec,
  };
  const webhook = config.alerts.webhookUrl && config.alerts.webhookSecret ? { url: config.alerts.webhookUrl, signer: new Webhook(config.alerts.webhookSecret) } : null;

  /** Queues events; a failure (Redis down) is left to the next tick's redelivery sweep. */
  async function enqueue(events: { alertId: string; event: AlertEvent }[]): Promise<number> {
    if (!webhook || events.length === 0) return 0;
    let queued = 0;
    let next = 0;
    const lanes = Array.from({ length: Math.min(ENQUEUE_CONCURRENCY, events.length) }, async () => {
      while (next < events.length) {
        const e = events[next++]!;
        try {
          await deps.queues.add('alert-webhook', e);
          queued++;
        } catch (err) {
          deps.logger.warn({ err, alertId: e.alertId, event: e.event }, 'alert webhook not queued now; the next tick will');
        }
      }
    });
    await Promise.all(lanes);
    return queued;
  }

  async function post(alert: AlertRow, event: AlertEvent, log: Logger): Promise<void> {
    const at = now();
    const body = JSON.stringify({
      type: `alert.${event}`,
      timestamp: (event === 'resolved' ? alert.resolvedAt! : alert.openedAt).toISOString(),
      data: { alert: toAlertView(alert, at) },
    });
    // The same id on every retry of this event lets the receiver drop duplicates.
    const msgId = `${alert.id}-${event}`;
    const signature = webhook!.signer.sign(msgId, at, body);
    let status: number | null = null;
    try {
      const res = await fetch(webhook!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'loa-xa-alerts/1',
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.distribution.pushTimeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      throw new AlertWebhookFailed(`alert receiver unreachable: ${(err as Error).message}`);
    }
    if (status < 200 || status >= 300) throw new AlertWebhookFailed(`alert receiver answered HTTP ${status}`);
    await alertsRepo(deps.db).markNotified(alert.id, event, now());
    log.info({ alertId: alert.id, event, kind: alert.kind, status }, 'alert sent');
  }

  return {
    /**
     * One tick: read the facts, decide, open and resolve in one transaction, then queue the webhook events of what
     * this tick changed. Two schedulers ticking at once are harmless: one open alert per subject is the database's
     * rule (INSERT … ON CONFLICT DO NOTHING), and a resolve only counts for the tick whose UPDATE found it open.
     */
    async evaluate(at: Date = now()): Promise<{ opened: number; resolved: number; queued: number }> {
      const repo = alertsRepo(deps.db);
      const open = await repo.openAlerts();
      const t = at.getTime();
      const soonUntil = new Date(t + rules.fileLeadMin * 60_000);
      const airings = await repo.airingFacts({
        now: at,
        soonUntil,
        missedBefore: new Date(t - rules.missedGraceSec * 1000),
        missedSince: new Date(t - rules.missedGraceSec * 1000 - MISSED_LOOKBACK_MS),
        maxAiringMs: MAX_AIRING_MS,
      });
      const devices = await repo.deviceFacts({ silentBefore: new Date(t - offlineThresholdMs(rules)), now: at, soonUntil });
      const stations = await repo.stationFacts([...new Set([...airings.map((a) => a.stationId), ...devices.map((d) => d.stationId), ...open.map((o) => o.stationId)])]);
      const decision = decideAlerts({ now: at, stations, devices, airings, open }, rules);
      if (decision.open.length === 0 && decision.resolve.length === 0) {
        return { opened: 0, resolved: 0, queued: await this.redeliver(at) };
      }

      const { opened, resolved } = await deps.db.transaction(async (tx) => {
        const r = alertsRepo(tx);
        const resolvedIds = await r.resolve(decision.resolve, at);
        const openedIds = await r.open(
          decision.open.map((o) => ({ ...o, id: crypto.randomUUID() })),
          at,
        );
        return { opened: openedIds, resolved: resolvedIds };
      });
      // A mass outage opens thousands at once: ids are logged only while they fit on a line.
      deps.logger.info(
        { opened: opened.length, resolved: resolved.length, ...(opened.length + resolved.length <= 20 ? { openedIds: opened, resolvedIds: resolved } : {}) },
        'alerts changed',
      );
      const queued = await enqueue([...opened.map((alertId) => ({ alertId, event: 'opened' as const })), ...resolved.map((alertId) => ({ alertId, event: 'resolved' as const }))]);
      return { opened: opened.length, resolved: resolved.length, queued: queued + (await this.redeliver(at)) };
    },

    /** Re-queues undelivered events whose job is gone; a job still waiting or retrying makes this a no-op. */
    async redeliver(at: Date = now()): Promise<number> {
      if (!webhook) return 0;
      const due = await alertsRepo(deps.db).undelivered(new Date(at.getTime() - REDELIVER_WINDOW_MS), new Date(at.getTime() - REDELIVER_AFTER_MS), REDELIVER_PER_TICK);
      return enqueue(due);
    },

    /** The caller's stations' alerts (its area, or its one station); asking for another station's is refused. */
    async list(p: AccessPrincipal, filter: Omit<AlertFilter, 'scope'>): Promise<{ items: AlertView[]; total: number; open: number }> {
      const access = accessService(deps.db);
      const scope = access.listScope(p, 'alerts.read');
      if (filter.stationId) await access.station(p, 'alerts.read', filter.stationId);
      const { items, total, open } = await alertsRepo(deps.db).list({ ...filter, scope });
      const at = now();
      return { items: items.map((a) => toAlertView(a, at)), total, open };
    },

    /**
     * One delivery attempt of one event; throws AlertWebhookFailed so the queue retries with back-off.
     * A resolved event never overtakes its opened event: if that is not delivered yet, it goes first.
     */
    async deliver(alertId: string, event: AlertEvent, log: Logger): Promise<'delivered' | 'already' | 'gone' | 'no-webhook'> {
      if (!webhook) return 'no-webhook';
      const alert = await alertsRepo(deps.db).get(alertId);
      if (!alert || (event === 'resolved' && !alert.resolvedAt)) return 'gone';
      if (event === 'opened' ? alert.notifiedAt : alert.resolvedNotifiedAt) return 'already';
      if (event === 'resolved' && !alert.notifiedAt) await post(alert, 'opened', log);
      await post(alert, event, log);
      return 'delivered';
    },
  };
}

export type AlertService = ReturnType<typeof alertService>;
