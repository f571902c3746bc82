// The app shell: header with navigation, language and sign-out; picks the view for the route.
import { configureApi } from './api.js';
import { onOpenAlertsChange, openAlerts, refreshOpenAlerts, startOpenAlertsPolling, stopOpenAlertsPolling } from './alerts-count.js';
import { h, replace, s as svg } from './dom.js';
import { getLang, onLangChange, setLang, t } from './i18n.js';
import { fmtCount, fmtNumber } from './format.js';
import { currentRoute, isRouteHash, navigate } from './router.js';
import { can, csrfToken, resume, session, signOut, token } from './session.js';
import { errorPanel, loading } from './ui.js';
import * as alerts from './views/alerts.js';
import * as episodes from './views/episodes.js';
import * as episode from './views/episode.js';
import * as fleet from './views/fleet.js';
import * as plans from './views/plans.js';
import * as playNow from './views/play-now.js';
import * as composeBulletin from './views/compose-bulletin.js';
import * as reports from './views/reports.js';
import * as reportPrint from './views/report-print.js';
import * as signin from './views/signin.js';
import * as password from './views/password.js';
import * as station from './views/station.js';
import * as stations from './views/stations.js';
import * as stationEdit from './views/station-edit.js';
import * as users from './views/users.js';
import * as areas from './views/areas.js';
import * as audit from './views/audit.js';

const VIEWS = { signin, password, episodes, episode, stations, station, plans, reports, reportPrint, fleet, alerts, playNow, composeBulletin, stationNew: stationEdit, stationEdit, users, areas, audit };

const header = document.getElementById('topbar');
const main = document.getElementById('main');
let controller = null;
/** A message for the sign-in page (signed out, session ended). */
let signInNotice = null;

configureApi({
  token,
  csrf: csrfToken,
  onUnauthorized: () => {
    if (!session()) return;
    signOut();
    stopOpenAlertsPolling();
    signInNotice = 'auth.expired';
    navigate('#/signin');
  },
});

/** Where a role starts: an operator on its own station, a viewer on the report. */
function homeOf(me) {
  if (me.role === 'operator' && me.stationId) return `#/stations/${me.stationId}`;
  if (me.role === 'viewer') return '#/reports';
  return '#/episodes';
}

function navItems(me) {
  if (me.role === 'operator') {
    return [
      { hash: `#/stations/${me.stationId}`, label: t('nav.myStation'), route: 'station' },
      { hash: '#/episodes', label: t('nav.episodes'), route: 'episodes' },
      { hash: '#/reports', label: t('nav.reports'), route: 'reports' },
      can.readAlerts(me) ? { hash: '#/alerts', label: t('nav.alerts'), route: 'alerts', count: true } : null,
    ].filter(Boolean);
  }
  return [
    { hash: '#/episodes', label: t('nav.episodes'), route: 'episodes' },
    can.listStations(me) ? { hash: '#/stations', label: t('nav.stations'), route: 'stations' } : null,
    can.readPlans(me) ? { hash: '#/plans', label: t('nav.plans'), route: 'plans' } : null,
    { hash: '#/reports', label: t('nav.reports'), route: 'reports' },
    can.readFleet(me) ? { hash: '#/fleet', label: t('nav.fleet'), route: 'fleet' } : null,
    can.readAlerts(me) ? { hash: '#/alerts', label: t('nav.alerts'), route: 'alerts', count: true } : null,
    me.role === 'admin' ? { hash: '#/users', label: t('nav.users'), route: 'users' } : null,
    me.role === 'admin' ? { hash: '#/areas', label: t('nav.areas'), route: 'areas' } : null,
    me.role === 'admin' ? { hash: '#/audit', label: t('nav.audit'), route: 'audit' } : null,
    can.playNow(me) ? { hash: '#/play-now', label: t('nav.playNow'), route: 'playNow', className: 'nav-emergency' } : null,
  ].filter(Boolean);
}

/**
 * The open-alerts count on the "Cảnh báo" link: drawn by CSS from data-count (the link's text stays its name),
 * said in full to screen readers by the link's label; nothing at 0.
 */
function fillAlertsCount(link, n) {
  if (!n) {
    delete link.dataset.count;
    link.removeAttribute('aria-label');
    return;
  }
  link.dataset.count = n > 99 ? '99+' : fmtNumber(n);
  link.setAttribute('aria-label', `${t('nav.alerts')} (${fmtCount('nav.alertsOpen', n)})`);
}

onOpenAlertsChange((n) => {
  for (const link of header.querySelectorAll('[data-nav-count="alerts"]')) fillAlertsCount(link, n);
});

/** A loudspeaker, drawn (no emoji font is needed). */
function brandMark() {
  return svg(
    'svg',
    { class: 'brand-mark', viewBox: '0 0 24 24', width: 24, height: 24, 'aria-hidden': 'true', focusable: 'false' },
    svg('path', { d: 'M3 10v4h3l5 4V6L6 10H3z', fill: 'currentColor' }),
    svg('path', { d: 'M15 9a4.5 4.5 0 0 1 0 6M17.5 6.5a8 8 0 0 1 0 11', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' }),
  );
}

function renderHeader(route) {
  const s = session();
  const other = getLang() === 'vi' ? 'en' : 'vi';
  const langButton = h(
    'button',
    { type: 'button', class: 'btn btn-quiet', lang: other, 'aria-label': t('lang.switchLabel'), dataset: { langToggle: other }, onclick: () => setLang(other) },
    t('lang.switch'),
  );
  const brand = h('a', { class: 'brand', href: s ? homeOf(s.me) : '#/signin' }, brandMark(), t('app.name'));
  if (!s) {
    replace(header, h('div', { class: 'topbar-row' }, brand, h('div', { class: 'topbar-actions' }, langButton)));
    return;
  }
  const { me, station: st } = s;
  const items = navItems(me);
  const currentHash = location.hash;
  const nav = h(
    'nav',
    { class: 'mainnav', 'aria-label': t('app.nav') },
    h(
      'ul',
      {},
      items.map((it) => {
        // A station's page sits under the station list; an operator's own station is its own item.
        const current = it.hash === currentHash || (it.route !== 'station' && (it.route === route.name || (it.route === 'stations' && (route.name === 'station' || route.name === 'stationNew' || route.name === 'stationEdit')) || (it.route === 'episodes' && (route.name === 'composeBulletin' || route.name === 'episode')) || (it.route === 'reports' && route.name === 'reportPrint')));
        const link = h('a', { href: it.hash, class: it.className, 'aria-current': current ? 'page' : undefined, dataset: { navCount: it.count ? 'alerts' : undefined } }, it.label);
        if (it.count) fillAlertsCount(link, openAlerts());
        return h('li', {}, link);
      }),
    ),
  );
  const who = h(
    'p',
    { class: 'who', dataset: { testid: 'who' } },
    // The bootstrap ADMIN_TOKEN is no person: say what it is rather than show the variable's name as one.
    h('span', { class: 'who-name' }, me.id === null && me.role === 'admin' ? t('who.bootstrapAdmin') : me.name),
    ' · ',
    h('span', { class: 'who-role', dataset: { role: me.role } }, t(`role.${me.role}`)),
    me.stationId ? [' · ', h('span', { class: 'who-station' }, st ? `${st.name} (${st.code})` : me.stationId)] : null,
  );
  const out = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-quiet',
      onclick: async () => {
        await signOut();
        stopOpenAlertsPolling();
        signInNotice = 'auth.signedOut';
        navigate('#/signin');
      },
    },
    t('auth.signOut'),
  );
  const pw = can.ownPassword(me) ? h('a', { class: 'btn btn-quiet', href: '#/password' }, t('auth.changePassword')) : null;
  replace(header, h('div', { class: 'topbar-row' }, brand, who, h('div', { class: 'topbar-actions' }, langButton, pw, out)), nav);
}

let booted = false;
let rendered = false;

function render() {
  if (!booted || !isRouteHash(location.hash)) return;
  controller?.abort();
  controller = new AbortController();
  const route = currentRoute();
  const s = session();

  if (!s && route.name !== 'signin') {
    navigate('#/signin');
    return;
  }
  if (s && (route.name === 'signin' || route.name === 'home')) {
    navigate(homeOf(s.me));
    return;
  }
  // A password an admin reset opens nothing else until it is changed (the API refuses the rest anyway).
  if (s?.me.mustChangePassword && route.name !== 'password') {
    navigate('#/password');
    return;
  }
  renderHeader(route);
  if (s && can.readAlerts(s.me)) {
    refreshOpenAlerts();
    startOpenAlertsPolling();
  }

  const ctx = {
    me: s?.me ?? null,
    station: s?.station ?? null,
    params: route.params,
    query: route.query,
    signal: controller.signal,
    home: s ? homeOf(s.me) : '#/signin',
    notice: route.name === 'signin' ? signInNotice : null,
    onSignedIn: () => {
      signInNotice = null;
      navigate(homeOf(session().me));
    },
  };
  if (route.name === 'signin') signInNotice = null;

  const view = route.name ? VIEWS[route.name] : null;
  let node;
  if (!view) {
    node = h('div', {}, h('h1', { class: 'page-title', tabindex: '-1' }, t('err.notFoundTitle')), h('p', {}, t('err.notFoundPage')), h('p', {}, h('a', { href: ctx.home }, t('app.name'))));
    document.title = t('app.name');
  } else {
    node = view.render(ctx);
    document.title = `${view.title?.(ctx) ?? ''} — ${t('app.name')}`;
  }
  replace(main, node);
  // Move focus to the new page's heading (not on first load, to leave the browser's own start).
  if (rendered) main.querySelector('h1')?.focus();
  rendered = true;
}

async function boot() {
  replace(main, loading());
  try {
    await resume();
  } catch (err) {
    // A network or server failure keeps the token for a retry; a refused token has been forgotten.
    if (!(err?.status >= 400 && err?.status < 500)) {
      replace(main, errorPanel(err, { retry: () => boot() }));
      return;
    }
    signInNotice = 'auth.expired';
  }
  booted = true;
  render();
}

// The skip link focuses the content without touching the address (the hash holds the route).
const skip = document.querySelector('.skip-link');
skip?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
onLangChange(() => {
  if (skip) skip.textContent = t('app.skip');
});
if (skip) skip.textContent = t('app.skip');

window.addEventListener('hashchange', () => render());
onLangChange(() => {
  render();
  // Stay on the language button rather than jump to the page heading.
  header.querySelector('[data-lang-toggle]')?.focus();
});
boot();
