// Hash routes: "#/path/segments?query". Matching only; main.js decides what to render.

const ROUTES = [
  { name: 'signin', pattern: /^\/signin$/ },
  { name: 'password', pattern: /^\/password$/ },
  { name: 'episodes', pattern: /^\/episodes$/ },
  { name: 'episode', pattern: /^\/episodes\/([0-9a-f-]{36})$/, keys: ['id'] },
  { name: 'stations', pattern: /^\/stations$/ },
  { name: 'stationNew', pattern: /^\/stations\/new$/ },
  { name: 'stationEdit', pattern: /^\/stations\/([0-9a-f-]{36})\/edit$/, keys: ['id'] },
  { name: 'station', pattern: /^\/stations\/([^/]+)$/, keys: ['id'] },
  { name: 'users', pattern: /^\/users$/ },
  { name: 'areas', pattern: /^\/areas$/ },
  { name: 'audit', pattern: /^\/audit$/ },
  { name: 'plans', pattern: /^\/plans$/ },
  { name: 'reports', pattern: /^\/reports$/ },
  { name: 'reportPrint', pattern: /^\/reports\/print$/ },
  { name: 'fleet', pattern: /^\/fleet$/ },
  { name: 'alerts', pattern: /^\/alerts$/ },
  { name: 'playNow', pattern: /^\/play-now$/ },
  { name: 'composeBulletin', pattern: /^\/bulletins\/new$/ },
  { name: 'home', pattern: /^\/?$/ },
];

/** The current location as {name, params, query}; name is null for an unknown path. */
export function currentRoute() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [pathPart, queryPart = ''] = raw.split('?');
  let path;
  try {
    path = decodeURIComponent(pathPart);
  } catch {
    path = pathPart;
  }
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) {
      const params = {};
      (r.keys ?? []).forEach((k, i) => (params[k] = m[i + 1]));
      return { name: r.name, params, query: new URLSearchParams(queryPart), path };
    }
  }
  return { name: null, params: {}, query: new URLSearchParams(queryPart), path };
}

/** Builds "#/path?query" (query values that are empty are left out). */
export function href(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Whether a hash is one of ours (a skip link like "#main" is not a route change). */
export function isRouteHash(hash) {
  return hash === '' || hash === '#' || hash.startsWith('#/');
}
