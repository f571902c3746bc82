// Pieces shared by the fleet view and a station's "Cụm loa" section: a device's presence and health as the
// API reports them (health: {online, since, lastSeenAt, nowPlaying, nextAiring, fileReady, pendingReports, …}),
// per-device airing outcomes, and the dialog that shows a new device token once.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { DEFAULT_TZ, fmtAt, fmtBytes, fmtNumber, fmtSeconds, fmtSpan } from '../format.js';
import { badge, modal } from '../ui.js';

/** Below this a device's cache may not fit the next files: worth a warning on the screen. */
const LOW_DISK_BYTES = 1_000_000_000;
/** A clock off by more than this plays airings visibly early or late. */
const CLOCK_SKEW_MS = 30_000;

export function isOnline(device) {
  return Boolean(device.health?.online);
}

/**
 * "Đang kết nối" or "Mất kết nối 3 giờ", "Chưa kết nối lần nào" for a device never heard from. Colour comes
 * with the words. How long is counted from the last sign of life, as people say it ("no word for 3 hours"),
 * not from the moment the two-heartbeat rule declared it offline.
 */
export function presenceBadge(health, now = Date.now()) {
  if (health?.online) return badge('ok', ['● ', t('dev.online')], { dataset: { online: 'true' } });
  // A device never heard from has a "since" (when it was added) but was never online to lose.
  if (!health?.lastSeenAt) return badge('muted', t('dev.never'), { dataset: { online: 'false' } });
  return badge('bad', ['○ ', t('dev.offlineFor', { d: fmtSpan(now - Date.parse(health.lastSeenAt)) })], { dataset: { online: 'false' } });
}

/** The presence badge with, for an online device, since when. */
export function presenceCell(health, tz = DEFAULT_TZ, now = Date.now()) {
  return h(
    'div',
    { class: 'presence' },
    presenceBadge(health, now),
    health?.online && health.since ? h('span', { class: 'small muted' }, t('dev.since', { at: fmtAt(health.since, tz) })) : null,
  );
}

export function lastSeenText(health, tz = DEFAULT_TZ) {
  return health?.lastSeenAt ? fmtAt(health.lastSeenAt, tz) : t('dev.never');
}

export function nowPlayingCell(health, tz = DEFAULT_TZ) {
  const np = health?.nowPlaying;
  if (!np) return h('span', { class: 'muted' }, t('dev.nothing'));
  return h(
    'div',
    { class: 'now-playing', dataset: { airingId: np.airingId ?? undefined } },
    h('span', { class: 'title-cell' }, '▶ ', np.title),
    np.startedAt ? h('span', { class: 'small muted' }, t('dev.since', { at: fmtAt(np.startedAt, tz) })) : null,
  );
}

export function fileBadge(ready) {
  return ready ? badge('ok', ['✓ ', t('dev.fileReady')], { dataset: { fileReady: 'true' } }) : badge('bad', ['✗ ', t('dev.fileMissing')], { dataset: { fileReady: 'false' } });
}

export function nextAiringCell(health, tz = DEFAULT_TZ) {
  const next = health?.nextAiring;
  if (!next) return h('span', { class: 'muted' }, t('dev.noNext'));
  return h(
    'div',
    { class: 'next-airing', dataset: { airingId: next.airingId } },
    h('span', { class: 'title-cell' }, next.title),
    h('span', { class: 'small' }, fmtAt(next.startsAt, tz)),
    fileBadge(Boolean(next.fileReady)),
  );
}

export function pendingCell(health) {
  const n = health?.pendingReports;
  if (typeof n !== 'number') return '—';
  return n > 0 ? badge('warn', fmtNumber(n), { dataset: { pending: n } }) : h('span', { dataset: { pending: 0 } }, fmtNumber(0));
}

export function freeDiskCell(health) {
  const bytes = health?.freeDiskBytes;
  if (typeof bytes !== 'number') return '—';
  return bytes < LOW_DISK_BYTES ? badge('warn', fmtBytes(bytes)) : fmtBytes(bytes);
}

/** The agent's last error as it wrote it, and anything else an officer should notice (clock, channel). */
export function problemsCell(health) {
  // Seen (a manifest poll, the channel) but never a heartbeat: nothing is known of its health.
  if (!health || !health.lastSeenAt || !health.agentVersion) return h('span', { class: 'muted' }, t('dev.noHealth'));
  const skew = typeof health.clockOffsetMs === 'number' && Math.abs(health.clockOffsetMs) > CLOCK_SKEW_MS;
  const notes = [
    health.lastError ? h('span', { class: 'error-text', dataset: { field: 'lastError' } }, health.lastError) : null,
    skew ? h('span', { class: 'small' }, badge('warn', t('dev.clockSkew', { d: fmtSeconds(health.clockOffsetMs / 1000) }))) : null,
    health.online && health.channel === 'closed' ? h('span', { class: 'small muted' }, t('dev.channelClosed')) : null,
  ].filter(Boolean);
  return notes.length ? h('div', { class: 'problems' }, notes) : h('span', { class: 'muted' }, t('dev.noError'));
}

/** Version and uptime, in small print under a device's name. */
export function agentLine(health) {
  if (!health?.agentVersion) return null;
  const parts = [t('dev.version', { v: health.agentVersion })];
  if (typeof health.uptimeSec === 'number' && health.online) parts.push(t('dev.uptime', { d: fmtSpan(health.uptimeSec * 1000) }));
  return h('span', { class: 'small muted' }, parts.join(' · '));
}

const OUTCOME_KIND = { played: 'ok', partial: 'warn', missed: 'bad', scheduled: 'muted' };

/** One device's result for an airing: Đã phát / Phát chưa hết / Chưa phát (quá hạn) with the reason. */
export function outcomeItem(d) {
  const kind = OUTCOME_KIND[d.outcome] ?? 'muted';
  const reason = d.outcome === 'missed' && d.reason ? t(`reason.${d.reason}`) : null;
  return h(
    'li',
    { class: 'outcome', dataset: { deviceId: d.deviceId, outcome: d.outcome, reason: d.reason ?? undefined } },
    h('span', { class: 'outcome-device' }, d.name),
    ' ',
    badge(kind, t(`out.${d.outcome}`)),
    // A reason the interface does not know yet is shown as the API wrote it.
    reason ? h('span', { class: 'small outcome-reason' }, reason === `reason.${d.reason}` ? d.reason : reason) : null,
  );
}

export function outcomesCell(devices) {
  if (!Array.isArray(devices) || devices.length === 0) return '—';
  return h('ul', { class: 'plain outcomes' }, devices.map(outcomeItem));
}

/**
 * Shows a device token once, with a copy button and the warning that it cannot be shown again.
 * Escape does not close it: the officer confirms having saved the token.
 */
export function tokenDialog({ name, token, signal, onClose }) {
  const field = h('input', { id: uid('device-token'), type: 'text', readonly: true, value: token, class: 'token-field input-wide', spellcheck: 'false', autocomplete: 'off', dataset: { testid: 'device-token' } });
  field.addEventListener('focus', () => field.select());
  const status = h('p', { class: 'small', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'btn btn-primary' }, t('dev.copy'));
  const done = h('button', { type: 'button', class: 'btn' }, t('dev.closeToken'));
  copy.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(token);
      ok = true;
    } catch {
      // No clipboard permission (an insecure origin, an old browser): fall back to selecting the text.
      field.focus();
      field.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
    }
    status.textContent = ok ? t('dev.copied') : t('dev.copyFailed');
    status.className = ok ? 'small ok-text' : 'small error-text';
  });
  const dlg = modal({
    title: t('dev.tokenTitle', { name }),
    dismissible: false,
    className: 'token-dialog',
    signal,
    onClose,
    content: [
      h('p', { class: 'notice notice-bad', role: 'alert' }, t('dev.tokenOnce')),
      h('label', { for: field.id }, t('dev.tokenLabel')),
      field,
      status,
      h('div', { class: 'actions' }, copy, done),
    ],
  });
  done.addEventListener('click', () => dlg.close());
  field.focus();
  return dlg;
}
