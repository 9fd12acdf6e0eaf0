// The reviewer page: login, queue, item view with decisions, dashboard,
// staffing and corpus labelling. Plain ES module, no dependencies; every
// piece of server text goes through textContent (never innerHTML).
import { lineChart, barChart } from './charts.js';

const state = { me: null, filters: { status: 'open', source: '', category: '', min_age_minutes: '', level: '' },
                cursors: [0], next: null, keyHandler: null };

// ---- helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// ---- language: the server's catalog (i18n/messages.json) in the reader's
// language: the explicit choice (saved in this browser), else Accept-Language.

const i18n = { lang: 'en', tag: 'en', languages: ['en'], m: {} };

// The message `key` with {0}, {1}, ... filled; an unknown key is logged as an
// error and shown as ⟦key⟧ (the browser test fails on either).
function t(key, ...args) {
  const text = i18n.m[key];
  if (typeof text !== 'string') { console.error('untranslated message: ' + key); return '\u27e6' + key + '\u27e7'; }
  return text.replace(/\{(\d)\}/g, (_, n) => String(args[Number(n)] ?? ''));
}
// A value from the server (a status, a role) in the reader's language when
// the catalog has it, else as sent.
const tv = (prefix, v) => (typeof i18n.m[prefix + v] === 'string' ? i18n.m[prefix + v] : v);

async function loadLanguage(choice) {
  const res = await fetch('/ui/api/i18n' + (choice ? '?lang=' + encodeURIComponent(choice) : ''), { credentials: 'same-origin' });
  const d = await res.json();
  Object.assign(i18n, { lang: d.lang, tag: d.tag, languages: d.languages, m: d.messages });
  document.documentElement.lang = d.tag;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const sel of document.querySelectorAll('select.lang')) {
    sel.replaceChildren(...i18n.languages.map((l) => h('option', { value: l, selected: l === i18n.lang }, t('web.lang.' + l))));
  }
}

async function chooseLanguage(lang) {
  try { localStorage.setItem('safegate.lang', lang); } catch (e) { /* private mode: this page only */ }
  await loadLanguage(lang);
  if (state.me) start(); else showLogin();
}

function savedLanguage() {
  try { return localStorage.getItem('safegate.lang') || ''; } catch (e) { return ''; }
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 2500);
}

async function api(method, path, body, raw) {
  const headers = {};
  if (method !== 'GET' && state.me) headers['X-CSRF-Token'] = state.me.csrf;
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  const res = await fetch('/ui/api/' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : (raw ? body : JSON.stringify(body)),
  });
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') && !type.includes('ndjson') ? await res.json() : await res.text();
  if (res.status === 401 && path !== 'login') { showLogin(); throw new Error('not logged in'); }
  if (!res.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
  return data;
}

const canDecide = () => state.me && (state.me.role === 'reviewer' || state.me.role === 'admin');
// Numbers as the reader's language writes them (English keeps the plain form).
const fixed = (x, d) => (i18n.lang === 'en' ? Number(x).toFixed(d)
  : new Intl.NumberFormat(i18n.tag, { minimumFractionDigits: d, maximumFractionDigits: d }).format(x));
const ago = (at, now) => {
  const s = Math.max(0, (now || Date.now() / 1000) - at);
  if (s < 60) return t('web.ago.s', fixed(s, 0));
  if (s < 3600) return t('web.ago.min', fixed(s / 60, 0));
  if (s < 86400) return t('web.ago.h', fixed(s / 3600, 1));
  return t('web.ago.d', fixed(s / 86400, 1));
};
const pct = (x) => (i18n.lang === 'en' ? (100 * x).toFixed(1) + '%'
  : new Intl.NumberFormat(i18n.tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x));
const num = (x, d = 1) => (x === undefined || x === null ? '–' : fixed(x, d));

function setKeys(fn) { state.keyHandler = fn; }
document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey || !state.keyHandler) return;
  if (state.keyHandler(ev.key)) ev.preventDefault();
});

function segments(list) {
  return (list || []).map((s) => s.flag ? h('mark', { title: s.flag + (s.rule ? ' (' + s.rule + ')' : ''), 'data-flag': s.flag }, s.text)
                                         : document.createTextNode(s.text));
}

// ---- login

function showLogin() {
  state.me = null;
  document.getElementById('top').hidden = true;
  document.getElementById('view').replaceChildren();
  document.getElementById('login').hidden = false;
  document.getElementById('login-user').focus();
}

async function login(ev) {
  ev.preventDefault();
  const err = document.getElementById('login-error');
  err.textContent = '';
  try {
    state.me = await api('POST', 'login', {
      username: document.getElementById('login-user').value,
      password: document.getElementById('login-pass').value,
    });
    document.getElementById('login-pass').value = '';
    start();
  } catch (e) { err.textContent = e.message; }
}

function start() {
  if (document.activeElement) document.activeElement.blur();  // shortcuts work at once
  document.getElementById('login').hidden = true;
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = t('web.who', state.me.user, tv('web.role.', state.me.role));
  route();
}

// ---- queue

function queueQuery() {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v) p.set(k, v);
  return p;
}

async function showQueue() {
  const view = document.getElementById('view');
  const f = state.filters;
  const sel = (name, opts) => h('select', { 'data-filter': name, onchange: (e) => { f[name] = e.target.value; state.cursors = [0]; showQueue(); } },
    opts.map(([v, l]) => h('option', { value: v, selected: f[name] === v }, l)));
  const filters = h('div', { class: 'filters card' },
    h('label', {}, t('web.q.status'), sel('status', [['open', t('web.status.open')], ['claimed', t('web.status.claimed')], ['decided', t('web.status.decided')], ['', t('web.any')]])),
    h('label', {}, t('web.q.source'), sel('source', [['', t('web.any')], ['input', t('web.source.input')], ['output', t('web.source.output')], ['report', t('web.source.report')]])),
    h('label', {}, t('web.q.category'), h('input', { value: f.category, placeholder: t('web.q.category_hint'), size: 8, 'data-filter': 'category',
      onchange: (e) => { f.category = e.target.value.trim(); state.cursors = [0]; showQueue(); } })),
    h('label', {}, t('web.q.min_age'), h('input', { value: f.min_age_minutes, size: 5, inputmode: 'numeric', 'data-filter': 'min_age_minutes',
      onchange: (e) => { f.min_age_minutes = e.target.value.trim(); state.cursors = [0]; showQueue(); } })),
    h('label', {}, t('web.q.level'), sel('level', [['', t('web.q.level_all')], ['base', t('web.q.level_base')], ['escalated', t('web.q.level_escalated')]])),
    canDecide() ? h('button', { class: 'primary', id: 'claim-next', onclick: claimNext }, t('web.q.claim_next'), h('kbd', {}, 'n')) : null);
  const table = h('table', { id: 'queue' },
    h('thead', {}, h('tr', {}, ['id', 'status', 'source', 'categories', 'waiting', 'text'].map((c) => h('th', {}, t('web.q.col.' + c))))));
  const body = h('tbody');
  table.append(body);
  const pager = h('div', { class: 'pager' });
  view.replaceChildren(h('h2', {}, t('web.q.title')), filters, table, pager);
  const q = queueQuery();
  q.set('after', state.cursors[state.cursors.length - 1]);
  q.set('limit', '50');
  let data;
  try { data = await api('GET', 'queue?' + q); } catch (e) { body.append(h('tr', {}, h('td', { colspan: 6, class: 'error' }, e.message))); return; }
  state.next = data.next_after;
  if (!data.items.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', id: 'queue-empty' }, t('web.q.empty'))));
  for (const it of data.items) {
    body.append(h('tr', { 'data-id': it.id, onclick: () => { location.hash = '#/item/' + it.id; } },
      h('td', {}, String(it.id)),
      h('td', {}, h('span', { class: 'pill ' + it.status }, tv('web.status.', it.status)), it.level ? h('span', { class: 'pill level' }, 'L' + it.level) : null),
      h('td', {}, tv('web.source.', it.source)),
      h('td', {}, it.categories.map((c) => h('span', { class: 'pill' }, c))),
      h('td', {}, ago(it.created_at, data.now)),
      h('td', { class: 'excerpt' }, it.excerpt)));
  }
  pager.append(
    h('button', { disabled: state.cursors.length < 2, onclick: () => { state.cursors.pop(); showQueue(); } }, t('web.q.prev')),
    h('span', { class: 'muted' }, t('web.q.page', state.cursors.length)),
    h('button', { disabled: !state.next, id: 'next-page', onclick: () => { state.cursors.push(state.next); showQueue(); } }, t('web.q.next')));
  setKeys((k) => { if (k === 'n' && canDecide()) { claimNext(); return true; } return false; });
}

async function claimNext() {
  try {
    const q = queueQuery();
    q.delete('status');
    const r = await api('POST', 'claim-next?' + q, {});
    if (!r.item) { toast(t('web.q.queue_empty')); return; }
    location.hash = '#/item/' + r.item.id;
  } catch (e) { toast(e.message); }
}

// ---- item

// Preset reasons per decision, in the reader's language (recorded as shown).
const REASONS = {};
for (const d of ['allow', 'remove', 'escalate']) {
  Object.defineProperty(REASONS, d, { enumerable: true, get: () => [1, 2, 3].map((i) => t('web.reason.' + d + '.' + i)) });
}

async function showItem(id) {
  const view = document.getElementById('view');
  let data;
  try { data = await api('GET', 'items/' + id); } catch (e) { view.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
  const it = data.item;
  const mine = it.status === 'claimed' && it.claimed_by === state.me.user;
  const conv = h('div', { class: 'card', id: 'conversation' }, h('h3', {}, t('web.item.conversation'), h('span', { class: 'muted' }, it.conversation_id || t('web.item.none'))));
  if (!data.messages.length) conv.append(h('p', { class: 'muted' }, t('web.item.expired')),
    h('div', { class: 'msg review' }, segments(it.segments)));
  for (const m of data.messages) {
    conv.append(h('div', { class: 'msg ' + m.role + (m.under_review ? ' review' : ''), 'data-message': m.id },
      h('div', { class: 'meta' }, tv('web.role.', m.role) + ' · ' + tv('web.status.', m.status) + (m.categories.length ? ' · ' + m.categories.join(', ') : '') + (m.under_review ? ' · ' + t('web.item.under_review') : '')),
      segments(m.segments)));
  }
  const reason = h('input', { id: 'reason', placeholder: t('web.item.reason_hint'), size: 40 });
  const presets = h('select', { id: 'reason-preset', onchange: (e) => { reason.value = e.target.value; } },
    h('option', { value: '' }, t('web.item.presets')),
    Object.entries(REASONS).map(([d, list]) => h('optgroup', { label: t('web.decision.' + d) }, list.map((r) => h('option', { value: r }, r)))));
  const decide = async (decision) => {
    if (!mine) { toast(t('web.item.claim_first')); return; }
    const why = reason.value.trim() || REASONS[decision][0];
    try {
      await api('POST', 'items/' + it.id + '/decision', { decision, reason: why });
      toast(t('web.item.decided', it.id, t('web.decision.' + decision)));
      location.hash = '#/queue';
    } catch (e) { toast(e.message); }
  };
  const claim = async () => {
    try { await api('POST', 'items/' + it.id + '/claim', {}); showItem(id); } catch (e) { toast(e.message); }
  };
  const release = async () => {
    try { await api('POST', 'items/' + it.id + '/release', {}); showItem(id); } catch (e) { toast(e.message); }
  };
  const actions = h('div', { class: 'actions' });
  if (canDecide() && it.status !== 'decided') {
    if (!mine) actions.append(h('button', { class: 'primary', id: 'claim', onclick: claim }, t('web.item.claim'), h('kbd', {}, 'c')));
    else {
      actions.append(
        h('button', { class: 'ok', id: 'allow', onclick: () => decide('allow') }, t('web.item.allow'), h('kbd', {}, 'a')),
        h('button', { class: 'bad', id: 'remove', onclick: () => decide('remove') }, t('web.item.remove'), h('kbd', {}, 'r')),
        h('button', { id: 'escalate', onclick: () => decide('escalate') }, t('web.item.escalate'), h('kbd', {}, 'e')),
        h('button', { id: 'release', onclick: release }, t('web.item.release'), h('kbd', {}, 'u')));
    }
  }
  const side = h('div', { class: 'card' },
    h('h3', {}, t('web.item.title', it.id), ' ', h('span', { class: 'pill ' + it.status, id: 'item-status' }, tv('web.status.', it.status)), it.level ? h('span', { class: 'pill level' }, t('web.item.escalated', it.level)) : null),
    h('p', {}, h('b', {}, t('web.item.source')), tv('web.source.', it.source), ' · ', h('b', {}, t('web.item.user')), it.user || '–'),
    h('p', {}, h('b', {}, t('web.item.categories')), it.categories.map((c) => h('span', { class: 'pill' }, c))),
    h('p', {}, h('b', {}, t('web.item.why')), it.reason ? tv('web.why.', it.reason) : '–'),
    h('p', {}, h('b', {}, t('web.item.waiting')), ago(it.created_at, data.now)),
    it.claimed_by ? h('p', {}, h('b', {}, t('web.item.claimed_by')), it.claimed_by) : null,
    it.decision ? h('p', {}, h('b', {}, t('web.item.last_decision')), t('web.item.decision_by', tv('web.decision.', it.decision), it.decided_by, it.decision_reason)) : null,
    canDecide() && mine ? h('div', { class: 'actions' }, presets, reason) : null,
    actions,
    h('p', { class: 'muted' }, t('web.item.keys'), h('kbd', {}, 'c'), t('web.key.claim'), h('kbd', {}, 'a'), t('web.key.allow'), h('kbd', {}, 'r'), t('web.key.remove'),
      h('kbd', {}, 'e'), t('web.key.escalate'), h('kbd', {}, 'u'), t('web.key.release'), h('kbd', {}, 'n'), t('web.key.next'), h('kbd', {}, 'q'), t('web.key.queue')));
  view.replaceChildren(h('p', {}, h('a', { href: '#/queue' }, t('web.item.back'))), h('div', { class: 'split' }, conv, side));
  view.dataset.item = it.id;
  view.dataset.mine = mine ? '1' : '0';
  setKeys((k) => {
    if (k === 'q') { location.hash = '#/queue'; return true; }
    if (!canDecide()) return false;
    if (k === 'c' && !mine && it.status !== 'decided') { claim(); return true; }
    if (k === 'n') { claimNext(); return true; }
    if (!mine) return false;
    if (k === 'a') { decide('allow'); return true; }
    if (k === 'r') { decide('remove'); return true; }
    if (k === 'e') { decide('escalate'); return true; }
    if (k === 'u') { release(); return true; }
    return false;
  });
}

// ---- dashboard

async function showDashboard() {
  const view = document.getElementById('view');
  const hours = h('select', { id: 'dash-hours', onchange: () => load() },
    [[24, t('web.d.last24')], [168, t('web.d.last7')], [720, t('web.d.last30')]].map(([v, l]) => h('option', { value: v }, l)));
  const sla = h('input', { id: 'dash-sla', value: '30', size: 4, onchange: () => load() });
  const body = h('div');
  view.replaceChildren(h('h2', {}, t('web.d.title')), h('div', { class: 'filters card' }, h('label', {}, t('web.d.window'), hours), h('label', {}, t('web.d.sla'), sla)), body);
  setKeys(null);
  async function load() {
    let d;
    try { d = await api('GET', 'dashboard?hours=' + hours.value + '&sla_minutes=' + encodeURIComponent(sla.value)); } catch (e) { body.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
    const o = d.overall;
    const stat = (label, value, id) => h('div', { class: 'stat' }, h('b', { id }, value), label);
    const rows = d.reviewers.map((r) => h('tr', {}, h('td', {}, r.reviewer), h('td', {}, num(r.decided, 0)), h('td', {}, num(r.removed, 0)),
      h('td', {}, num(r.p50_minutes)), h('td', {}, num(r.p90_minutes)), h('td', {}, num(r.p99_minutes)), h('td', {}, pct(r.within_sla)), h('td', {}, num(r.mean_handling_minutes, 2))));
    body.replaceChildren(
      h('div', { class: 'grid' },
        stat(t('web.d.arrivals'), num(d.arrivals_per_hour), 'stat-arrivals'),
        stat(t('web.d.backlog'), num(d.backlog, 0), 'stat-backlog'),
        stat(t('web.d.oldest'), d.oldest_open_age_seconds ? ago(Date.now() / 1000 - d.oldest_open_age_seconds) : '–', 'stat-oldest'),
        stat(t('web.d.decided'), num(o.decided, 0), 'stat-decided'),
        stat(t('web.d.percentiles'), num(o.p50_minutes) + ' / ' + num(o.p90_minutes) + ' / ' + num(o.p99_minutes), 'stat-pct'),
        stat(t('web.d.within', num(d.sla_minutes, 0)), o.decided ? pct(o.within_sla) : '–', 'stat-sla'),
        stat(t('web.d.aht'), num(o.mean_handling_minutes, 2), 'stat-aht')),
      h('div', { class: 'card' }, h('h3', {}, t('web.d.per_hour')),
        lineChart(d.hours.map((x) => x.start * 1000), [
          { name: t('web.d.series.arrivals'), values: d.hours.map((x) => x.arrivals), color: '#1f5fbf' },
          { name: t('web.d.series.decided'), values: d.hours.map((x) => x.decided), color: '#1b7f3b' }])),
      h('div', { class: 'card' }, h('h3', {}, t('web.d.per_reviewer')),
        d.reviewers.length ? barChart(d.reviewers.map((r) => r.reviewer), d.reviewers.map((r) => r.within_sla), t('web.d.within_sla'), true) : h('p', { class: 'muted' }, t('web.d.no_decisions')),
        h('table', { id: 'reviewers' }, h('thead', {}, h('tr', {}, [t('web.d.col.reviewer'), t('web.d.col.decided'), t('web.d.col.removed'), 'p50', 'p90', 'p99', t('web.d.within_sla'), t('web.d.col.handling')].map((c) => h('th', {}, c)))), h('tbody', {}, rows))));
  }
  load();
}

// ---- staffing (GET /ui/api/staffing answers safegate.staffing/2: stats/staffing.h)

async function showStaffing() {
  const view = document.getElementById('view');
  const field = (id, label, value) => h('label', {}, label, h('input', { id, value, size: 7 }));
  const form = h('form', { class: 'filters card', id: 'whatif' },
    field('st-share', t('web.s.share'), '0.95'), field('st-minutes', t('web.s.minutes'), '30'),
    field('st-rate', t('web.s.rate'), ''), field('st-aht', t('web.s.aht'), ''),
    field('st-traffic', t('web.s.traffic'), '2'), field('st-hfactor', t('web.s.hfactor'), '1'),
    h('label', {}, t('web.s.measure_over'), h('select', { id: 'st-hours' }, [[24, t('web.s.h24')], [168, t('web.s.d7')]].map(([v, l]) => h('option', { value: v }, l)))),
    h('button', { class: 'primary', type: 'submit', id: 'st-go' }, t('web.s.compute')));
  const out = h('div', { id: 'staffing-out' });
  view.replaceChildren(h('h2', {}, t('web.s.title')),
    h('p', { class: 'muted' }, t('web.s.intro')),
    form, out);
  setKeys(null);
  const v = (id) => document.getElementById(id).value.trim();
  async function load(ev) {
    if (ev) ev.preventDefault();
    const p = new URLSearchParams({ target_share: v('st-share'), target_minutes: v('st-minutes'), traffic_factor: v('st-traffic'),
                                    handling_factor: v('st-hfactor'), hours: v('st-hours') });
    if (v('st-rate')) p.set('arrivals_per_hour', v('st-rate'));
    if (v('st-aht')) p.set('handling_minutes', v('st-aht'));
    let d;
    try { d = await api('GET', 'staffing?' + p); } catch (e) { out.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
    out.replaceChildren(
      h('p', { class: 'muted' }, t('web.s.measured', num(d.measured.hours, 0), num(d.measured.arrivals_per_hour), num(d.measured.handling_minutes ?? 0, 2))),
      h('div', { class: 'grid' }, d.scenarios.map((s) => h('div', { class: 'stat', 'data-scenario': s.name },
        h('b', { class: 'reviewers' }, s.error ? '–' : String(s.reviewers ?? 0)),
        t('web.s.reviewers', tv('web.s.scenario.', s.name), num(s.arrivals_per_hour), num(s.handling_minutes, 2)),
        s.error ? h('div', { class: 'error' }, s.error) : s.note ? h('div', { class: 'muted' }, s.note_key ? t(s.note_key) : s.note)
          : h('div', { class: 'muted' }, t('web.s.level', pct(s.service_level), pct(s.occupancy), num(s.mean_wait_minutes, 2)))))),
      h('div', { class: 'card' }, h('h3', {}, t('web.s.by_size')),
        ...d.scenarios.filter((s) => s.curve && s.curve.length).map((s) =>
          h('div', {}, h('p', { class: 'muted' }, tv('web.s.scenario.', s.name)), barChart(s.curve.map((c) => String(c.reviewers)), s.curve.map((c) => c.service_level), t('web.s.service_level'), true, d.target.share)))));
  }
  form.addEventListener('submit', load);
  load();
}

// ---- corpus labelling

async function showLabelSets() {
  const view = document.getElementById('view');
  setKeys(null);
  let d;
  try { d = await api('GET', 'labels'); } catch (e) { view.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
  const rows = d.sets.map((s) => h('tr', { 'data-set': s.name, onclick: () => { location.hash = '#/labels/' + encodeURIComponent(s.name); } },
    h('td', {}, s.name), h('td', {}, num(s.items, 0)), h('td', {}, num(s.labelled, 0) + ' (' + pct(s.items ? s.labelled / s.items : 0) + ')'), h('td', {}, num(s.unallowable, 0)),
    h('td', {}, h('a', { href: '/ui/api/labels/' + encodeURIComponent(s.name) + '/export', onclick: (e) => e.stopPropagation() }, t('web.l.export')))));
  const upload = state.me.role === 'admin' ? h('form', { class: 'filters card', id: 'label-import' },
    h('label', {}, t('web.l.set_name'), h('input', { id: 'set-name', required: true, size: 16 })),
    h('label', {}, t('web.l.file'), h('input', { id: 'set-file', type: 'file', accept: '.jsonl,.json', required: true })),
    h('button', { class: 'primary', type: 'submit' }, t('web.l.import'))) : null;
  if (upload) upload.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = document.getElementById('set-file').files[0];
    const name = document.getElementById('set-name').value.trim();
    try { const r = await api('POST', 'labels/' + encodeURIComponent(name) + '/import', await file.text(), true); toast(t('web.l.imported', num(r.items, 0))); showLabelSets(); } catch (err) { toast(err.message); }
  });
  // replaceChildren writes a null child as the text "null": leave the form out instead.
  view.replaceChildren(h('h2', {}, t('web.l.title')),
    h('p', { class: 'muted' }, t('web.l.intro')),
    ...(upload ? [upload] : []), h('table', { id: 'label-sets' }, h('thead', {}, h('tr', {}, [t('web.l.col.set'), t('web.l.col.items'), t('web.l.col.labelled'), t('web.l.col.unallowable'), ''].map((c) => h('th', {}, c)))), h('tbody', {}, rows)));
}

async function showLabelSet(name) {
  const view = document.getElementById('view');
  let d;
  try { d = await api('GET', 'labels/' + encodeURIComponent(name) + '?unlabelled=1&limit=1'); } catch (e) { view.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
  const it = d.items[0];
  const back = h('p', {}, h('a', { href: '#/labels' }, t('web.l.back')), ' · ', h('a', { href: '/ui/api/labels/' + encodeURIComponent(name) + '/export' }, t('web.l.export')));
  if (!it) { view.replaceChildren(back, h('p', { id: 'labels-done' }, t('web.l.done', name))); setKeys(null); return; }
  const rec = it.record || {};
  const category = h('input', { id: 'label-category', placeholder: t('web.l.category'), size: 12, value: (rec.machine_categories || [])[0] || '' });
  const note = h('input', { id: 'label-note', placeholder: t('web.l.note'), size: 30 });
  const save = async (label) => {
    if (!canDecide()) { toast(t('web.l.viewers')); return; }
    try {
      await api('POST', 'labels/' + encodeURIComponent(name) + '/label', { sample_id: it.sample_id, label, category: label === 'unallowable' ? category.value.trim() : '', note: note.value });
      toast(it.sample_id + ': ' + t('web.label.' + label));
      showLabelSet(name);
    } catch (e) { toast(e.message); }
  };
  view.replaceChildren(back, h('div', { class: 'card', id: 'label-item', 'data-sample': it.sample_id },
    h('h3', {}, t('web.l.sample', it.sample_id)),
    h('p', { class: 'muted' }, (rec.source || '') + ' · ' + (rec.file || '') + ':' + (rec.line || '') + ' · ' + t('web.l.machine') + (rec.machine_flagged ? t('web.l.flagged') + (rec.machine_categories || []).join(', ') : t('web.l.not_flagged'))),
    h('div', { class: 'msg review' }, segments(it.segments)),
    canDecide() ? h('div', { class: 'actions' },
      h('button', { class: 'ok', id: 'label-ok', onclick: () => save('allowable') }, t('web.l.allowable'), h('kbd', {}, 'o')),
      h('button', { class: 'bad', id: 'label-bad', onclick: () => save('unallowable') }, t('web.l.unallowable'), h('kbd', {}, 'x')),
      category, note) : h('p', { class: 'muted' }, t('web.l.viewers_long'))));
  setKeys((k) => {
    if (k === 'o') { save('allowable'); return true; }
    if (k === 'x') { save('unallowable'); return true; }
    return false;
  });
}

// ---- routing

function route() {
  if (!state.me) return;
  const hash = location.hash || '#/queue';
  const [, page, arg] = hash.split('/');
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === (page === 'item' ? 'queue' : page));
  delete document.getElementById('view').dataset.item;
  if (page === 'item') showItem(arg);
  else if (page === 'dashboard') showDashboard();
  else if (page === 'staffing') showStaffing();
  else if (page === 'labels' && arg) showLabelSet(decodeURIComponent(arg));
  else if (page === 'labels') showLabelSets();
  else showQueue();
}

window.addEventListener('hashchange', route);
document.getElementById('login').addEventListener('submit', login);
document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', 'logout', {}); } catch (e) { /* already gone */ }
  showLogin();
});
for (const sel of document.querySelectorAll('select.lang')) sel.addEventListener('change', (e) => chooseLanguage(e.target.value));
(async () => {
  try { await loadLanguage(savedLanguage()); } catch (e) { console.error('messages: ' + e.message); }
  try {
    const res = await fetch('/ui/api/me', { credentials: 'same-origin' });
    if (res.ok) { state.me = await res.json(); start(); } else showLogin();
  } catch (e) { showLogin(); }
  document.body.dataset.ready = '1';
})();
