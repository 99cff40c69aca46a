// The coverage page for agencies' people at `/app/coverage` (issue 25, docs/coverage.md "The page"): a unit's
// persons collected against its permanent residents, then one line per unit below as a sortable table and a bar
// chart, each unit's band shown by colour, icon and pattern, each commune linked to its worklist; Vietnamese with
// an English switch. The document holds no data: its script signs the person in with the hosted UI (authorisation
// code + PKCE), keeps the ID token for the tab (sessionStorage) and calls GET /coverage and GET /worklists/{commune}
// with it. As the citizen page, it is one document with its style and script inline, allowed by hash, and builds the
// DOM with textContent only; its own bars are CSS, so it asks nothing of any other site.
import { pagePolicy } from './page-policy.ts';

/** Where a unit stands: under 80 % behind, under 95 % on its way, else done; no expected residents: unknown. */
export const COVERAGE_BANDS = [
  { band: 'behind', below: 80 },
  { band: 'progress', below: 95 },
  { band: 'done', below: Number.POSITIVE_INFINITY },
] as const;
export type CoverageBand = (typeof COVERAGE_BANDS)[number]['band'] | 'unknown';

export function bandOf(percent: number | null): CoverageBand {
  if (percent === null) return 'unknown';
  return COVERAGE_BANDS.find(({ below }) => percent < below)?.band ?? 'done';
}

/**
 * Each band's text and background (every pair at least 4.5:1, WCAG AA, test/web checks it) and its bar: a fill at
 * least 3:1 against the white page (non-text contrast) under a pattern, so colour is never the only cue.
 */
export const BAND_STYLE: Record<
  CoverageBand,
  { ink: string; background: string; bar: string; pattern: string }
> = {
  behind: {
    ink: '#8f0f22',
    background: '#fdecee',
    bar: '#b3261e',
    // diagonal stripes
    pattern: 'repeating-linear-gradient(135deg, rgba(255,255,255,.55) 0 3px, transparent 3px 8px)',
  },
  progress: {
    ink: '#7a3e00',
    background: '#fff3d6',
    bar: '#a15c00',
    // dots
    pattern: 'radial-gradient(circle, rgba(255,255,255,.6) 1.2px, transparent 1.6px) 0 0 / 6px 6px',
  },
  done: { ink: '#1a5e20', background: '#e6f4e7', bar: '#2e7d32', pattern: 'none' },
  unknown: {
    ink: '#3d4349',
    background: '#eef0f2',
    bar: '#6e7781',
    // horizontal lines
    pattern: 'repeating-linear-gradient(0deg, rgba(255,255,255,.55) 0 2px, transparent 2px 6px)',
  },
};

/** Each band's icon, stroked paths on a 16×16 grid, beside its label (the icon is hidden from screen readers). */
export const BAND_ICONS: Record<CoverageBand, readonly string[]> = {
  // a triangle with an exclamation mark
  behind: ['M8 1.75l6.5 12H1.5z', 'M8 6v3.5', 'M8 11.5v.25'],
  // a half-filled circle: under way
  progress: ['M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13', 'M8 1.5v13'],
  // a tick
  done: ['M2.5 8.5l3.5 3.5l7.5-8'],
  // a question mark
  unknown: ['M5.5 5.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5v.7', 'M8 12.25v.25'],
};

const BAND_CSS = (Object.keys(BAND_STYLE) as CoverageBand[])
  .map((band) => {
    const { ink, background, bar, pattern } = BAND_STYLE[band];
    return (
      `.band--${band} { color: ${ink}; background: ${background}; }\n` +
      `.bar--${band} { background: ${pattern === 'none' ? '' : `${pattern}, `}${bar}; }`
    );
  })
  .join('\n');

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad;
  --bad: #a40e26; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f8fa; line-height: 1.5; }
header { background: var(--accent); color: #fff; padding: 0.75rem 1rem; display: flex; gap: 0.5rem 1rem;
  align-items: center; justify-content: space-between; flex-wrap: wrap; }
header h1 { font-size: 1.15rem; margin: 0; }
header .actions { display: flex; gap: 0.5rem; }
header button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px;
  padding: 0.35rem 0.7rem; font: inherit; cursor: pointer; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
a { color: var(--accent); }
button:focus, a:focus { outline: 3px solid #ffb000; outline-offset: 1px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
.card h2 { font-size: 1.2rem; margin: 0 0 0.25rem; }
.primary { font: inherit; padding: 0.6rem 1.2rem; border: 0; border-radius: 4px; background: var(--accent);
  color: #fff; cursor: pointer; }
.secondary { font: inherit; padding: 0.4rem 0.9rem; border: 1px solid var(--accent); border-radius: 4px;
  background: #fff; color: var(--accent); cursor: pointer; }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
.headline { font-size: 1.35rem; font-weight: 700; margin: 0.5rem 0; }
.error { background: #fff1e5; border-color: #f0b37e; }
.error h2 { color: var(--bad); }
.band { display: inline-flex; align-items: center; gap: 0.3rem; font-weight: 700; padding: 0.1rem 0.5rem;
  border: 1px solid currentColor; border-radius: 4px; white-space: nowrap; }
.band svg { width: 1em; height: 1em; flex: none; fill: none; stroke: currentColor; stroke-width: 2;
  stroke-linecap: round; stroke-linejoin: round; }
${BAND_CSS}
.legend { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; margin: 0.5rem 0; }
.chart { list-style: none; padding: 0; margin: 0; }
.chart li { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 4.5rem; gap: 0.5rem; align-items: center;
  padding: 0.15rem 0; }
.chart .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chart .track { background: #eef0f2; border: 1px solid #8c959f; border-radius: 3px; height: 1.1rem; }
.chart .fill { height: 100%; border-radius: 2px 0 0 2px; min-width: 2px; }
.chart .value { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
caption { text-align: left; font-weight: 700; padding: 0.5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer;
  color: inherit; text-align: inherit; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--ink); }
th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--ink); }
.codes { margin: 0; padding-left: 1rem; }
figure { margin: 0 0 1rem; }
.batch { word-break: break-all; font-size: 0.85rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  /* on a phone the band is its icon and colour beside the percent; its word is still read out */
  td .band__label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap; }
  main { padding: 0.5rem; }
  .chart li { grid-template-columns: minmax(5rem, 8rem) 1fr 3.75rem; font-size: 0.9rem; }
  th, td { padding: 0.35rem 0.3rem; font-size: 0.9rem; }
  .wide { display: none; }
}
`;

const SCRIPT = `
(function () {
  'use strict';
  var TEXT = {
    vi: {
      title: 'Tiến độ thu thập thông tin dân cư',
      switchTo: 'English',
      switchLabel: 'Switch to English',
      signOut: 'Đăng xuất',
      signInTitle: 'Đăng nhập để xem tiến độ',
      signInHint: 'Dành cho cán bộ các cơ quan có vai trò xem (viewer). Đăng nhập bằng tài khoản của cơ quan.',
      signIn: 'Đăng nhập',
      loading: 'Đang tải…',
      forms: 'phiếu',
      residents: 'nhân khẩu thường trú',
      noResidents: 'chưa có số nhân khẩu thường trú',
      asOf: 'Số nhân khẩu theo số liệu ngày',
      noAsOf: 'Chưa có số liệu nhân khẩu tham chiếu',
      vintage: 'Danh mục đơn vị hành chính',
      received: 'Phiếu đã nhận',
      rejected: 'Phiếu bị từ chối',
      unplaced: 'Phiếu chưa xác định được địa bàn',
      ownUnplaced: 'Phiếu của cơ quan mình chưa xác định được địa bàn',
      temporary: 'Tạm trú đã thu thập',
      chart: 'Tỷ lệ thu thập theo đơn vị',
      chartHint: 'Cùng số liệu với bảng dưới đây.',
      table: 'Các đơn vị trực thuộc',
      unit: 'Đơn vị',
      collected: 'Đã thu thập',
      expected: 'Thường trú',
      percent: 'Tỷ lệ',
      worklist: 'Việc cần làm',
      openWorklist: 'Danh sách',
      none: 'Không có đơn vị trực thuộc',
      notAssigned: 'chưa phân định',
      band: { behind: 'Chậm', progress: 'Đang thu thập', done: 'Đạt', unknown: 'Chưa có số liệu' },
      up: 'Về đơn vị cấp trên',
      worklistTitle: 'Việc cần làm tại',
      kind: 'Loại',
      form: 'Phiếu',
      batchRow: 'Lô / dòng',
      problems: 'Lỗi',
      person: 'Người trên phiếu',
      kinds: { rejected: 'Thu thập lại', duplicate: 'Có thể trùng', conflict: 'Mâu thuẫn', unplaced: 'Chưa xác định địa bàn' },
      emptyWorklist: 'Không còn việc cần làm',
      more: 'Xem thêm',
      csv: 'Tải về CSV',
      failed: 'Không tải được, vui lòng thử lại',
      expired: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
      signInFailed: 'Đăng nhập không thành công',
      locale: 'vi-VN'
    },
    en: {
      title: 'Population data collection coverage',
      switchTo: 'Tiếng Việt',
      switchLabel: 'Chuyển sang tiếng Việt',
      signOut: 'Sign out',
      signInTitle: 'Sign in to see the coverage',
      signInHint: "For agencies' staff with the viewer role. Sign in with your agency account.",
      signIn: 'Sign in',
      loading: 'Loading…',
      forms: 'forms',
      residents: 'permanent residents',
      noResidents: 'no permanent residents on record',
      asOf: 'Residents as of',
      noAsOf: 'No reference population yet',
      vintage: 'Administrative units of',
      received: 'Forms received',
      rejected: 'Forms rejected',
      unplaced: 'Forms not placed in a commune',
      ownUnplaced: "Your agency's forms not placed in a commune",
      temporary: 'Temporary residents collected',
      chart: 'Coverage by unit',
      chartHint: 'The same figures as the table below.',
      table: 'Units within',
      unit: 'Unit',
      collected: 'Collected',
      expected: 'Permanent',
      percent: 'Coverage',
      worklist: 'To do',
      openWorklist: 'Worklist',
      none: 'No units within',
      notAssigned: 'not assigned',
      band: { behind: 'Behind', progress: 'Under way', done: 'Done', unknown: 'No figures' },
      up: 'Back to the unit above',
      worklistTitle: 'To do in',
      kind: 'Kind',
      form: 'Form',
      batchRow: 'Batch / row',
      problems: 'Problems',
      person: 'Person on the form',
      kinds: { rejected: 'Collect again', duplicate: 'Probable duplicate', conflict: 'Conflict', unplaced: 'Not placed' },
      emptyWorklist: 'Nothing left to do',
      more: 'Show more',
      csv: 'Download CSV',
      failed: 'Could not load, please try again',
      expired: 'Your session has ended, please sign in again',
      signInFailed: 'Sign-in failed',
      locale: 'en-GB'
    }
  };
  var BANDS = ${JSON.stringify(COVERAGE_BANDS.map(({ band, below }) => [band, Number.isFinite(below) ? below : null]))};
  var ICONS = ${JSON.stringify(BAND_ICONS)};
  var SVG = 'http://www.w3.org/2000/svg';
  var TOKEN = 'dancu.coverage.token';
  var PENDING = 'dancu.coverage.signIn';
  var root = document.documentElement;
  var signInBase = root.getAttribute('data-sign-in') || location.origin;
  var clientId = root.getAttribute('data-client-id');
  var content = document.getElementById('view');
  var status = document.getElementById('status');
  var toggle = document.getElementById('lang');
  var signOutButton = document.getElementById('sign-out');
  var lang = sessionStorage.getItem('dancu.lang') === 'en' ? 'en' : 'vi';
  var render = function () {};
  var sort = { key: 'percent', dir: 1 };

  function t(key) { return TEXT[lang][key]; }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function number(n) { return new Intl.NumberFormat(t('locale')).format(n); }
  function percentText(p) {
    return p === null ? '–' : new Intl.NumberFormat(t('locale'), { maximumFractionDigits: 2 }).format(p) + ' %';
  }
  function bandOf(p) {
    if (p === null || p === undefined) return 'unknown';
    for (var i = 0; i < BANDS.length; i++) if (BANDS[i][1] === null || p < BANDS[i][1]) return BANDS[i][0];
    return 'done';
  }
  function icon(band) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    ICONS[band].forEach(function (d) {
      var path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      svg.append(path);
    });
    return svg;
  }
  function bandBadge(band, text, label) {
    var node = el('span', 'band band--' + band);
    node.append(icon(band), el('span', null, text));
    if (label) node.append(el('span', 'band__label', ' · ' + label));
    return node;
  }
  function show() {
    content.replaceChildren.apply(content, arguments);
  }
  function say(text) { status.textContent = text; }
  function errorCard(title, body) {
    var card = el('section', 'card error');
    card.setAttribute('role', 'alert');
    card.append(el('h2', null, title));
    if (body && body.error) {
      card.append(el('p', null, lang === 'vi' ? body.error.messageVi : body.error.message));
      card.append(el('p', 'hint', body.error.code));
    }
    return card;
  }

  // --- sign-in: the hosted UI's authorisation code with PKCE; the ID token kept for this tab only ---
  function randomText(bytes) {
    var buffer = new Uint8Array(bytes);
    crypto.getRandomValues(buffer);
    return base64url(buffer);
  }
  function base64url(buffer) {
    var text = '';
    new Uint8Array(buffer).forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function redirectUri() { return location.origin + location.pathname; }
  function token() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(TOKEN) || 'null');
      if (kept && kept.expiresAt > Date.now() + 30000) return kept.idToken;
    } catch (ignored) { /* a damaged entry is no token */ }
    sessionStorage.removeItem(TOKEN);
    return null;
  }
  function signIn() {
    var verifier = randomText(32);
    var state = randomText(16);
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      sessionStorage.setItem(PENDING, JSON.stringify({ state: state, verifier: verifier, back: location.search }));
      var url = new URL(signInBase + '/oauth2/authorize');
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', redirectUri());
      url.searchParams.set('scope', 'openid email');
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', base64url(digest));
      url.searchParams.set('code_challenge_method', 'S256');
      location.assign(url.href);
    });
  }
  function finishSignIn(params) {
    var pending = null;
    try { pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null'); } catch (ignored) { pending = null; }
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, '', redirectUri() + (pending ? pending.back : ''));
    if (!pending || pending.state !== params.get('state')) return Promise.reject(new Error('state'));
    var form = new URLSearchParams();
    form.set('grant_type', 'authorization_code');
    form.set('client_id', clientId);
    form.set('code', params.get('code'));
    form.set('redirect_uri', redirectUri());
    form.set('code_verifier', pending.verifier);
    return fetch(signInBase + '/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString()
    }).then(function (response) {
      if (!response.ok) throw new Error('token');
      return response.json();
    }).then(function (answer) {
      var claims = JSON.parse(atob(answer.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      sessionStorage.setItem(TOKEN, JSON.stringify({ idToken: answer.id_token, expiresAt: claims.exp * 1000 }));
    });
  }
  function signOut() {
    sessionStorage.removeItem(TOKEN);
    if (root.getAttribute('data-sign-in')) {
      var url = new URL(signInBase + '/logout');
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('logout_uri', redirectUri());
      location.assign(url.href);
    } else start();
  }
  function signInCard(problem) {
    render = function () { signInCard(problem); };
    signOutButton.hidden = true;
    var card = el('section', 'card');
    card.append(el('h2', null, t('signInTitle')));
    if (problem) {
      var note = el('p', null, t(problem));
      note.setAttribute('role', 'alert');
      card.append(note);
    }
    card.append(el('p', 'hint', t('signInHint')));
    var button = el('button', 'primary', t('signIn'));
    button.type = 'button';
    button.addEventListener('click', signIn);
    card.append(button);
    show(card);
  }

  // --- reading the API with the token ---
  function api(path) {
    var idToken = token();
    if (!idToken) return Promise.reject({ signIn: 'expired' });
    return fetch(path, { headers: { accept: 'application/json', authorization: 'Bearer ' + idToken } })
      .then(function (response) {
        if (response.status === 401) {
          sessionStorage.removeItem(TOKEN);
          throw { signIn: 'expired' };
        }
        return response.json().then(function (body) {
          if (!response.ok) throw { body: body };
          return body;
        });
      });
  }
  function failed(problem) {
    say('');
    if (problem && problem.signIn) return signInCard(problem.signIn);
    render = function () { show(errorCard(t('failed'), problem && problem.body)); };
    render();
  }
  function pageLink(params) {
    var url = new URL(redirectUri());
    Object.keys(params).forEach(function (name) {
      if (params[name] !== undefined && params[name] !== null) url.searchParams.set(name, params[name]);
    });
    return url.pathname + url.search;
  }
  // a table wider than a phone scrolls in its own region, which a keyboard can reach and a screen reader names
  function scrollRegion(label) {
    var wrap = el('div', 'scroll');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', label);
    return wrap;
  }
  function link(text, href) {
    var a = el('a', null, text);
    a.href = href;
    return a;
  }

  // --- a unit: the headline, the chart and the table of the units within ---
  function headline(figures) {
    var p = figures.permanent;
    var text = number(p.collected) + ' ' + t('forms') + ' / ' +
      (p.residents === null ? t('noResidents') : number(p.residents) + ' ' + t('residents') + ', ' + percentText(p.percent));
    var node = el('p', 'headline', text);
    node.id = 'headline';
    return node;
  }
  function childName(child) {
    return child.notAssigned ? child.unit.name + ' (' + t('notAssigned') + ')' : child.unit.name;
  }
  var COLUMNS = [
    { key: 'name', value: function (c) { return childName(c); } },
    { key: 'collected', number: true, value: function (c) { return c.permanent.collected; } },
    { key: 'residents', number: true, value: function (c) { return c.permanent.residents; } },
    { key: 'percent', number: true, value: function (c) { return c.permanent.percent; } },
    { key: 'rejected', number: true, wide: true, value: function (c) { return c.forms.rejected; } },
    { key: 'unplaced', number: true, wide: true, value: function (c) { return c.unplaced; } }
  ];
  var HEADINGS = { name: 'unit', collected: 'collected', residents: 'expected', percent: 'percent', rejected: 'rejected', unplaced: 'unplaced' };
  function sorted(children) {
    var column = COLUMNS.filter(function (c) { return c.key === sort.key; })[0];
    return children.slice().sort(function (a, b) {
      var x = column.value(a); var y = column.value(b);
      // a unit without figures goes last whichever way
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      var order = typeof x === 'string' ? x.localeCompare(y, t('locale')) : x - y;
      return order * sort.dir || childName(a).localeCompare(childName(b), t('locale'));
    });
  }
  function childLink(child, vintage, from) {
    if (child.notAssigned) return el('span', null, childName(child));
    if (child.unit.level === 'commune') {
      return link(child.unit.name, pageLink({ worklist: child.unit.code, vintage: vintage, from: from }));
    }
    return link(child.unit.name, pageLink({ unit: child.unit.code, vintage: vintage }));
  }
  function chart(children, vintage, from) {
    var figure = el('figure', 'card');
    figure.setAttribute('aria-labelledby', 'chart-title');
    var caption = el('figcaption');
    var title = el('strong', null, t('chart'));
    title.id = 'chart-title';
    caption.append(title, el('p', 'hint', t('chartHint')));
    figure.append(caption);
    var legend = el('ul', 'legend');
    ['behind', 'progress', 'done', 'unknown'].forEach(function (band) {
      var item = el('li');
      item.append(bandBadge(band, TEXT[lang].band[band]));
      legend.append(item);
    });
    figure.append(legend);
    var list = el('ul', 'chart');
    list.setAttribute('aria-hidden', 'true');
    children.forEach(function (child) {
      var p = child.permanent.percent;
      var band = bandOf(p);
      var item = el('li');
      item.setAttribute('data-band', band);
      var track = el('span', 'track');
      var fill = el('span', 'fill bar--' + band);
      fill.style.display = 'block';
      fill.style.width = Math.max(0, Math.min(100, p === null ? 0 : p)) + '%';
      track.append(fill);
      item.append(el('span', 'name', childName(child)), track, el('span', 'value', percentText(p)));
      list.append(item);
    });
    figure.append(list);
    return figure;
  }
  function table(view, children) {
    var caption = t('table') + ' ' + view.unit.name;
    var wrap = scrollRegion(caption);
    var grid = el('table');
    grid.id = 'units';
    grid.append(el('caption', null, caption));
    var head = el('tr');
    COLUMNS.forEach(function (column) {
      var th = el('th', (column.number ? 'number' : '') + (column.wide ? ' wide' : ''));
      th.scope = 'col';
      var button = el('button', null, t(HEADINGS[column.key]));
      button.type = 'button';
      button.addEventListener('click', function () {
        sort = { key: column.key, dir: sort.key === column.key ? -sort.dir : 1 };
        render();
        var again = document.querySelector('th[data-key="' + column.key + '"] button');
        if (again) again.focus();
      });
      th.setAttribute('data-key', column.key);
      if (sort.key === column.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      th.append(button);
      head.append(th);
    });
    var thead = el('thead');
    thead.append(head);
    var body = el('tbody');
    children.forEach(function (child) {
      var tr = el('tr');
      tr.setAttribute('data-code', child.unit.code);
      var name = el('th');
      name.scope = 'row';
      name.append(childLink(child, view.vintage, view.unit.code));
      tr.append(name);
      tr.append(el('td', 'number', number(child.permanent.collected)));
      tr.append(el('td', 'number', child.permanent.residents === null ? '–' : number(child.permanent.residents)));
      var band = bandOf(child.permanent.percent);
      var cell = el('td', 'number');
      cell.append(bandBadge(band, percentText(child.permanent.percent), TEXT[lang].band[band]));
      tr.append(cell);
      tr.append(el('td', 'number wide', number(child.forms.rejected)));
      tr.append(el('td', 'number wide', number(child.unplaced)));
      body.append(tr);
    });
    grid.append(thead, body);
    wrap.append(grid);
    return wrap;
  }
  function facts(view) {
    var list = el('p', 'hint');
    list.textContent = t('received') + ': ' + number(view.forms.received) + ' · ' + t('rejected') + ': ' +
      number(view.forms.rejected) + ' · ' + t('unplaced') + ': ' + number(view.unplaced) + ' · ' +
      t('temporary') + ': ' + number(view.temporary.collected);
    return list;
  }
  function showUnit(view) {
    render = function () { showUnit(view); };
    document.title = view.unit.name + ' · ' + t('title');
    var top = el('section', 'card');
    top.setAttribute('aria-labelledby', 'unit-title');
    var title = el('h2', null, view.unit.name);
    title.id = 'unit-title';
    top.append(title);
    top.append(el('p', 'hint', t('vintage') + ' ' + view.vintage));
    top.append(headline(view));
    top.append(el('p', 'hint', view.asOf ? t('asOf') + ' ' + view.asOf : t('noAsOf')));
    top.append(facts(view));
    // the agency's own unit: its own forms that could not be placed are listed under that unit's worklist
    if (view.own && view.unplaced > 0) {
      var unplaced = el('p');
      unplaced.append(link(t('ownUnplaced'), pageLink({ worklist: view.unit.code, vintage: view.vintage })));
      top.append(unplaced);
    }
    var children = sorted(view.children);
    if (children.length === 0) {
      top.append(el('p', null, t('none')));
      return show(top);
    }
    var listing = el('section', 'card');
    listing.append(table(view, children));
    show(top, chart(children, view.vintage, view.unit.code), listing);
  }
  function openUnit(params) {
    say(t('loading'));
    var query = new URLSearchParams();
    if (params.get('unit')) query.set('unit', params.get('unit'));
    if (params.get('vintage')) query.set('vintage', params.get('vintage'));
    var text = query.toString();
    api('/coverage' + (text ? '?' + text : '')).then(function (body) {
      say('');
      body.own = !params.get('unit');
      showUnit(body);
    }, failed);
  }

  // --- a commune's worklist ---
  function codesCell(codes) {
    var list = el('ul', 'codes');
    (codes || []).forEach(function (entry) {
      var message = lang === 'en' && entry.en ? entry.en : entry.vi;
      list.append(el('li', null, entry.code + (message ? ': ' + message : '')));
    });
    return list;
  }
  function personText(person) {
    if (!person) return '';
    return Object.keys(person).map(function (key) { return person[key]; }).filter(Boolean).join(', ');
  }
  function showWorklist(state) {
    render = function () { showWorklist(state); };
    var commune = state.commune;
    document.title = t('worklistTitle') + ' ' + commune.name + ' · ' + t('title');
    var card = el('section', 'card');
    card.setAttribute('aria-labelledby', 'worklist-title');
    var title = el('h2', null, t('worklistTitle') + ' ' + commune.name);
    title.id = 'worklist-title';
    card.append(title);
    if (state.from) {
      var back = el('p');
      back.append(link(t('up'), pageLink({ unit: state.from, vintage: commune.vintage })));
      card.append(back);
    }
    var download = el('button', 'secondary', t('csv'));
    download.type = 'button';
    download.addEventListener('click', function () { downloadCsv(commune); });
    card.append(download);
    if (state.items.length === 0) {
      card.append(el('p', null, t('emptyWorklist')));
      return show(card);
    }
    var caption = t('worklistTitle') + ' ' + commune.name;
    var wrap = scrollRegion(caption);
    var grid = el('table');
    grid.id = 'worklist';
    // the heading above says it already
    grid.append(el('caption', 'sr-only', caption));
    var head = el('tr');
    ['kind', 'form', 'batchRow', 'problems', 'person'].forEach(function (key) {
      var th = el('th', null, t(key));
      th.scope = 'col';
      head.append(th);
    });
    var thead = el('thead');
    thead.append(head);
    var body = el('tbody');
    state.items.forEach(function (item) {
      var tr = el('tr');
      tr.append(el('td', null, TEXT[lang].kinds[item.kind || 'rejected'] || item.kind));
      tr.append(el('td', null, item.formId || '–'));
      tr.append(el('td', 'batch', item.batchId + ' / ' + item.row));
      var problems = el('td');
      problems.append(codesCell(item.codes));
      tr.append(problems);
      tr.append(el('td', null, personText(item.person)));
      body.append(tr);
    });
    grid.append(thead, body);
    wrap.append(grid);
    card.append(wrap);
    if (state.nextToken) {
      var more = el('button', 'secondary', t('more'));
      more.type = 'button';
      more.addEventListener('click', function () { loadWorklist(state, state.nextToken); });
      card.append(more);
    }
    show(card);
  }
  function worklistPath(commune, vintage, extra) {
    var query = new URLSearchParams(extra || {});
    if (vintage) query.set('vintage', vintage);
    var text = query.toString();
    return '/worklists/' + encodeURIComponent(commune) + (text ? '?' + text : '');
  }
  function loadWorklist(state, nextToken) {
    say(t('loading'));
    api(worklistPath(state.code, state.vintage, nextToken ? { nextToken: nextToken } : null)).then(function (body) {
      say('');
      showWorklist({
        code: state.code, vintage: state.vintage, from: state.from, commune: body.commune,
        items: (state.items || []).concat(body.items), nextToken: body.nextToken
      });
    }, failed);
  }
  function downloadCsv(commune) {
    var idToken = token();
    if (!idToken) return signInCard('expired');
    fetch(worklistPath(commune.code, commune.vintage, { format: 'csv' }), {
      headers: { accept: 'text/csv', authorization: 'Bearer ' + idToken }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.blob();
    }).then(function (blob) {
      var a = el('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'worklist-' + commune.vintage + '-' + commune.code + '.csv';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }).catch(function () { say(t('failed')); });
  }

  // --- the page ---
  function applyLanguage() {
    root.lang = lang;
    document.title = t('title');
    document.querySelectorAll('[data-text]').forEach(function (node) {
      node.textContent = t(node.getAttribute('data-text'));
    });
    toggle.setAttribute('aria-label', t('switchLabel'));
    render();
  }
  function start() {
    var params = new URL(location.href).searchParams;
    if (!token()) return signInCard(null);
    signOutButton.hidden = false;
    if (params.get('worklist')) {
      loadWorklist({ code: params.get('worklist'), vintage: params.get('vintage'), from: params.get('from'), items: [] });
    } else openUnit(params);
  }
  toggle.addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    sessionStorage.setItem('dancu.lang', lang);
    applyLanguage();
  });
  signOutButton.addEventListener('click', signOut);
  applyLanguage();
  var params = new URL(location.href).searchParams;
  if (params.get('code') && params.get('state')) {
    finishSignIn(params).then(start, function () { signInCard('signInFailed'); });
  } else if (params.get('error')) {
    history.replaceState(null, '', redirectUri());
    signInCard('signInFailed');
  } else start();
})();
`;

const escapeAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface CoveragePageConfig {
  /** the hosted UI's base URL (`https://{domain}.auth.{region}.amazoncognito.com`); none: the page's own origin */
  signIn?: string;
  /** the people's app client */
  clientId: string;
}

/** The page, with where its script signs people in; it holds no data. */
export function coveragePage({ signIn, clientId }: CoveragePageConfig): string {
  return `<!doctype html>
<html lang="vi"${signIn ? ` data-sign-in="${escapeAttribute(signIn)}"` : ''} data-client-id="${escapeAttribute(clientId)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tiến độ thu thập thông tin dân cư</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1 data-text="title">Tiến độ thu thập thông tin dân cư</h1>
  <div class="actions">
    <button type="button" id="lang" data-text="switchTo" aria-label="Switch to English">English</button>
    <button type="button" id="sign-out" data-text="signOut" hidden>Đăng xuất</button>
  </div>
</header>
<main>
  <p id="status" class="hint" role="status" aria-live="polite"></p>
  <div id="view"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Its own style and script, fetches to its own origin (the API) and to the sign-in's (the token endpoint). */
export function coveragePagePolicy(signIn?: string): string {
  return pagePolicy(SCRIPT, STYLE, signIn ? [new URL(signIn).origin] : []);
}
