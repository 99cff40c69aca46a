// The citizen lookup page at `/`: one HTML document with its style and script inline (no framework, no build),
// Vietnamese first with an English switch. Its Content-Security-Policy allows exactly that style and script,
// by hash, and fetches to its own origin; the script builds the DOM with textContent only (Trusted Types).
import { STATUS_KIND, STATUS_KINDS, type StatusKind } from '../procedures/statuses.ts';
import { pagePolicy } from './page-policy.ts';

/** Each kind's badge text and background; every pair reaches WCAG AA's 4.5:1 (test/web checks it). */
export const BADGE_COLOURS: Record<StatusKind, { ink: string; background: string }> = {
  'in-progress': { ink: '#0b4a8b', background: '#e7f0fa' },
  'needs-citizen': { ink: '#7a3e00', background: '#fff3d6' },
  done: { ink: '#1a5e20', background: '#e6f4e7' },
  refused: { ink: '#8f0f22', background: '#fdecee' },
};

/** Each kind's icon, stroked paths on a 16×16 grid in the badge's ink, so colour is never the only cue. */
export const BADGE_ICONS: Record<StatusKind, readonly string[]> = {
  // a clock
  'in-progress': ['M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13', 'M8 4.5v3.75l2.5 1.5'],
  // an exclamation mark in a circle: the citizen has something to do
  'needs-citizen': ['M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13', 'M8 4.5v4', 'M8 11.25v.25'],
  // a tick
  done: ['M2.5 8.5l3.5 3.5l7.5-8'],
  // a cross in a circle
  refused: ['M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13', 'M5.5 5.5l5 5', 'M10.5 5.5l-5 5'],
};

const BADGE_STYLE = STATUS_KINDS.map(
  (kind) =>
    `.badge--${kind} { color: ${BADGE_COLOURS[kind].ink}; background: ${BADGE_COLOURS[kind].background}; }\n` +
    `ol.timeline li.timeline--${kind}::before { background: ${BADGE_COLOURS[kind].ink}; }`,
).join('\n');

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad;
  --bad: #a40e26; --warn-bg: #fff1e5; font-family: system-ui, -apple-system, "Segoe UI",
  Roboto, "Noto Sans", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f8fa; line-height: 1.5; }
header { background: var(--accent); color: #fff; padding: 0.75rem 1rem; display: flex; gap: 1rem;
  align-items: center; justify-content: space-between; }
header h1 { font-size: 1.15rem; margin: 0; }
header button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px;
  padding: 0.35rem 0.7rem; font: inherit; cursor: pointer; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; background: #fff;
  border: 1px solid var(--line); border-radius: 6px; padding: 1rem; }
form .field { flex: 1 1 16rem; display: flex; flex-direction: column; gap: 0.25rem; }
label { font-weight: 600; }
input { font: inherit; padding: 0.6rem; border: 1px solid var(--muted); border-radius: 4px; width: 100%; }
input:focus, button:focus { outline: 3px solid #ffb000; outline-offset: 1px; }
form button { font: inherit; padding: 0.6rem 1.2rem; border: 0; border-radius: 4px; background: var(--accent);
  color: #fff; cursor: pointer; }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0; }
#result { margin-top: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; }
.card h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.badge { display: inline-flex; align-items: center; gap: 0.35rem; font-weight: 700; padding: 0.2rem 0.6rem;
  border: 1px solid currentColor; border-radius: 4px; }
.badge__icon { width: 1em; height: 1em; flex: none; fill: none; stroke: currentColor; stroke-width: 2;
  stroke-linecap: round; stroke-linejoin: round; }
${BADGE_STYLE}
.overdue { display: inline-block; margin-left: 0.5rem; color: #fff; background: var(--bad);
  padding: 0.2rem 0.6rem; border-radius: 4px; font-weight: 700; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 1rem 0; }
dt { color: var(--muted); }
dd { margin: 0; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { padding: 0 0 0.75rem 1rem; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -0.45rem; top: 0.45rem; width: 0.6rem;
  height: 0.6rem; border-radius: 50%; background: var(--accent); }
ol.timeline time { color: var(--muted); font-size: 0.9rem; display: block; }
.error { background: var(--warn-bg); border-color: #f0b37e; }
.error h2 { color: var(--bad); }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dt { margin-top: 0.5rem; } }
`;

const SCRIPT = `
(function () {
  'use strict';
  var TEXT = {
    vi: {
      title: 'Tra cứu hồ sơ thủ tục hành chính',
      switchTo: 'English',
      switchLabel: 'Switch to English',
      codeLabel: 'Mã hồ sơ',
      hint: 'Mã in trên giấy tiếp nhận, ví dụ 000.00.12.H21-250115-0001',
      submit: 'Tra cứu',
      loading: 'Đang tra cứu…',
      procedure: 'Thủ tục',
      agency: 'Cơ quan giải quyết',
      applicant: 'Người nộp',
      received: 'Ngày tiếp nhận',
      due: 'Hẹn trả kết quả',
      delivery: 'Nhận kết quả',
      counter: 'Tại bộ phận một cửa',
      post: 'Qua bưu chính',
      overdue: 'Quá hạn',
      history: 'Quá trình xử lý',
      none: 'Chưa có',
      notFound: 'Không tìm thấy hồ sơ',
      invalid: 'Mã hồ sơ không đúng định dạng',
      yearLabel: 'Năm sinh của người nộp hồ sơ',
      yearHint: 'Bốn chữ số, ví dụ 1990',
      yearInvalid: 'Năm sinh không đúng định dạng',
      failed: 'Không tra cứu được, vui lòng thử lại',
      locale: 'vi-VN'
    },
    en: {
      title: 'Administrative procedure lookup',
      switchTo: 'Tiếng Việt',
      switchLabel: 'Chuyển sang tiếng Việt',
      codeLabel: 'Application code',
      hint: 'The code on your receipt, e.g. 000.00.12.H21-250115-0001',
      submit: 'Look up',
      loading: 'Looking up…',
      procedure: 'Procedure',
      agency: 'Handled by',
      applicant: 'Applicant',
      received: 'Received',
      due: 'Due',
      delivery: 'Result delivery',
      counter: 'At the one-stop desk',
      post: 'By post',
      overdue: 'Overdue',
      history: 'History',
      none: 'Not yet',
      notFound: 'Application not found',
      yearLabel: "Applicant's year of birth",
      yearHint: 'Four digits, e.g. 1990',
      yearInvalid: 'The birth year is malformed',
      invalid: 'The application code is malformed',
      failed: 'The lookup failed, please try again',
      locale: 'en-GB'
    }
  };
  var KIND = ${JSON.stringify(STATUS_KIND)};
  var ICONS = ${JSON.stringify(BADGE_ICONS)};
  var SVG = 'http://www.w3.org/2000/svg';
  var lang = 'vi';
  var last = null;
  var form = document.getElementById('lookup');
  var input = document.getElementById('code');
  var yearInput = document.getElementById('birth-year');
  var result = document.getElementById('result');
  var toggle = document.getElementById('lang');

  function t(key) { return TEXT[lang][key]; }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function when(iso) {
    if (!iso) return t('none');
    return new Intl.DateTimeFormat(t('locale'), {
      dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh'
    }).format(new Date(iso));
  }
  function timeEl(iso) {
    var node = el('time', null, when(iso));
    node.setAttribute('datetime', iso);
    return node;
  }
  function kindOf(status) { return KIND[status] || 'in-progress'; }
  // the icon is decoration (aria-hidden): the label beside it is what a screen reader reads
  function badge(status, label) {
    var kind = kindOf(status);
    var node = el('span', 'status badge badge--' + kind);
    var icon = document.createElementNS(SVG, 'svg');
    icon.setAttribute('class', 'badge__icon');
    icon.setAttribute('viewBox', '0 0 16 16');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    ICONS[kind].forEach(function (d) {
      var path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      icon.append(path);
    });
    node.append(icon, el('span', 'badge__label', label));
    return node;
  }
  function show(node) {
    result.replaceChildren(node);
  }
  function row(list, term, value) {
    list.append(el('dt', null, term));
    var dd = el('dd');
    if (typeof value === 'string') dd.textContent = value; else dd.append(value);
    list.append(dd);
  }
  function renderApplication(app) {
    var card = el('section', 'card');
    card.setAttribute('aria-labelledby', 'app-title');
    var title = el('h2', null, app.applicationCode);
    title.id = 'app-title';
    card.append(title);
    var status = el('p');
    status.append(badge(app.status, app.statusLabel[lang]));
    if (app.overdue) status.append(el('span', 'overdue', t('overdue')));
    card.append(status);
    var list = el('dl');
    row(list, t('procedure'), app.procedureName);
    row(list, t('agency'), app.agencyName);
    if (app.applicant.maskedName) row(list, t('applicant'), app.applicant.maskedName);
    row(list, t('received'), app.receivedAt ? timeEl(app.receivedAt) : t('none'));
    row(list, t('due'), app.dueAt ? timeEl(app.dueAt) : t('none'));
    if (app.resultDelivery) row(list, t('delivery'), t(app.resultDelivery));
    card.append(list);
    card.append(el('h3', null, t('history')));
    var timeline = el('ol', 'timeline');
    app.history.slice().reverse().forEach(function (entry) {
      var item = el('li', 'timeline--' + kindOf(entry.status));
      item.append(timeEl(entry.at), el('span', null, entry.statusLabel[lang]));
      if (entry.note) item.append(el('p', 'hint', entry.note));
      timeline.append(item);
    });
    card.append(timeline);
    show(card);
  }
  function renderError(key, body) {
    var card = el('section', 'card error');
    card.setAttribute('role', 'alert');
    card.append(el('h2', null, t(key)));
    if (body && body.error) {
      card.append(el('p', null, lang === 'vi' ? body.error.messageVi : body.error.message));
      card.append(el('p', 'hint', body.error.code));
    }
    show(card);
  }
  function render() {
    if (!last) return;
    if (last.ok) renderApplication(last.body); else renderError(last.key, last.body);
  }
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t('title');
    document.querySelectorAll('[data-text]').forEach(function (node) {
      node.textContent = t(node.getAttribute('data-text'));
    });
    toggle.setAttribute('aria-label', t('switchLabel'));
    render();
  }
  // the year goes in a header, never in the URL (history, Referer): a ?code= link holds the code alone
  function lookup(code, year) {
    result.replaceChildren(el('p', 'hint', t('loading')));
    result.setAttribute('aria-busy', 'true');
    var url = new URL(location.href);
    url.searchParams.set('code', code);
    history.replaceState(null, '', url);
    fetch('/applications/' + encodeURIComponent(code), {
      headers: { accept: 'application/json', 'x-dancu-birth-year': year }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (answer) {
        if (answer.status === 200) last = { ok: true, body: answer.body };
        else if (answer.status === 404) last = { ok: false, key: 'notFound', body: answer.body };
        else if (answer.status === 400) {
          var yearWrong = answer.body && answer.body.error && answer.body.error.code === 'APPLICATION_BIRTH_YEAR_INVALID';
          last = { ok: false, key: yearWrong ? 'yearInvalid' : 'invalid', body: answer.body };
        }
        else last = { ok: false, key: 'failed', body: answer.body };
      }, function () { last = { ok: false, key: 'failed', body: null }; })
      .then(function () { result.removeAttribute('aria-busy'); render(); });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var code = input.value.trim();
    var year = yearInput.value.trim();
    if (!code) input.focus(); else if (!year) yearInput.focus(); else lookup(code, year);
  });
  toggle.addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    applyLanguage();
  });
  applyLanguage();
  var given = new URL(location.href).searchParams.get('code');
  if (given) { input.value = given; yearInput.focus(); }
})();
`;

export const CITIZEN_PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tra cứu hồ sơ thủ tục hành chính</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1 data-text="title">Tra cứu hồ sơ thủ tục hành chính</h1>
  <button type="button" id="lang" data-text="switchTo" aria-label="Switch to English">English</button>
</header>
<main>
  <form id="lookup" role="search" novalidate>
    <div class="field">
      <label for="code" data-text="codeLabel">Mã hồ sơ</label>
      <input id="code" name="code" type="text" inputmode="text" autocomplete="off" autocapitalize="characters"
        spellcheck="false" maxlength="64" required aria-describedby="code-hint">
      <p class="hint" id="code-hint" data-text="hint">Mã in trên giấy tiếp nhận, ví dụ 000.00.12.H21-250115-0001</p>
    </div>
    <div class="field">
      <label for="birth-year" data-text="yearLabel">Năm sinh của người nộp hồ sơ</label>
      <input id="birth-year" name="birthYear" type="text" inputmode="numeric" pattern="[0-9]{4}" maxlength="4"
        autocomplete="off" required aria-describedby="birth-year-hint">
      <p class="hint" id="birth-year-hint" data-text="yearHint">Bốn chữ số, ví dụ 1990</p>
    </div>
    <button type="submit" data-text="submit">Tra cứu</button>
  </form>
  <div id="result" aria-live="polite"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Only this page's own style and script, fetches to its own origin, no framing, no plugins. */
export const CITIZEN_PAGE_POLICY = pagePolicy(SCRIPT, STYLE);
