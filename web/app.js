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
const ago = (t, now) => {
  const s = Math.max(0, (now || Date.now() / 1000) - t);
  if (s < 60) return Math.round(s) + ' s';
  if (s < 3600) return Math.round(s / 60) + ' min';
  if (s < 86400) return (s / 3600).toFixed(1) + ' h';
  return (s / 86400).toFixed(1) + ' d';
};
const pct = (x) => (100 * x).toFixed(1) + '%';
const num = (x, d = 1) => (x === undefined || x === null ? '–' : Number(x).toFixed(d));

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
  document.getElementById('who').textContent = state.me.user + ' (' + state.me.role + ')';
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
    h('label', {}, 'Status', sel('status', [['open', 'open'], ['claimed', 'claimed'], ['decided', 'decided'], ['', 'any']])),
    h('label', {}, 'Source', sel('source', [['', 'any'], ['input', 'input'], ['output', 'output'], ['report', 'report']])),
    h('label', {}, 'Category', h('input', { value: f.category, placeholder: 'e.g. S1', size: 8, 'data-filter': 'category',
      onchange: (e) => { f.category = e.target.value.trim(); state.cursors = [0]; showQueue(); } })),
    h('label', {}, 'Waiting at least (min)', h('input', { value: f.min_age_minutes, size: 5, inputmode: 'numeric', 'data-filter': 'min_age_minutes',
      onchange: (e) => { f.min_age_minutes = e.target.value.trim(); state.cursors = [0]; showQueue(); } })),
    h('label', {}, 'Level', sel('level', [['', 'all'], ['base', 'first review'], ['escalated', 'escalated']])),
    canDecide() ? h('button', { class: 'primary', id: 'claim-next', onclick: claimNext }, 'Claim next ', h('kbd', {}, 'n')) : null);
  const table = h('table', { id: 'queue' },
    h('thead', {}, h('tr', {}, ['#', 'status', 'source', 'categories', 'waiting', 'text'].map((c) => h('th', {}, c)))));
  const body = h('tbody');
  table.append(body);
  const pager = h('div', { class: 'pager' });
  view.replaceChildren(h('h2', {}, 'Review queue'), filters, table, pager);
  const q = queueQuery();
  q.set('after', state.cursors[state.cursors.length - 1]);
  q.set('limit', '50');
  let data;
  try { data = await api('GET', 'queue?' + q); } catch (e) { body.append(h('tr', {}, h('td', { colspan: 6, class: 'error' }, e.message))); return; }
  state.next = data.next_after;
  if (!data.items.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', id: 'queue-empty' }, 'Nothing here.')));
  for (const it of data.items) {
    body.append(h('tr', { 'data-id': it.id, onclick: () => { location.hash = '#/item/' + it.id; } },
      h('td', {}, String(it.id)),
      h('td', {}, h('span', { class: 'pill ' + it.status }, it.status), it.level ? h('span', { class: 'pill level' }, 'L' + it.level) : null),
      h('td', {}, it.source),
      h('td', {}, it.categories.map((c) => h('span', { class: 'pill' }, c))),
      h('td', {}, ago(it.created_at, data.now)),
      h('td', { class: 'excerpt' }, it.excerpt)));
  }
  pager.append(
    h('button', { disabled: state.cursors.length < 2, onclick: () => { state.cursors.pop(); showQueue(); } }, '← Previous'),
    h('span', { class: 'muted' }, 'page ' + state.cursors.length),
    h('button', { disabled: !state.next, id: 'next-page', onclick: () => { state.cursors.push(state.next); showQueue(); } }, 'Next →'));
  setKeys((k) => { if (k === 'n' && canDecide()) { claimNext(); return true; } return false; });
}

async function claimNext() {
  try {
    const q = queueQuery();
    q.delete('status');
    const r = await api('POST', 'claim-next?' + q, {});
    if (!r.item) { toast('The queue is empty'); return; }
    location.hash = '#/item/' + r.item.id;
  } catch (e) { toast(e.message); }
}

// ---- item

const REASONS = {
  allow: ['Not a violation', 'False positive of the keyword list', 'Quoted for criticism or news'],
  remove: ['Violates the policy', 'Instructions for harm', 'Harassment or abuse'],
  escalate: ['Unsure: needs an admin', 'Legal or safety risk', 'Repeat offender'],
};

async function showItem(id) {
  const view = document.getElementById('view');
  let data;
  try { data = await api('GET', 'items/' + id); } catch (e) { view.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
  const it = data.item;
  const mine = it.status === 'claimed' && it.claimed_by === state.me.user;
  const conv = h('div', { class: 'card', id: 'conversation' }, h('h3', {}, 'Conversation ', h('span', { class: 'muted' }, it.conversation_id || '(none)')));
  if (!data.messages.length) conv.append(h('p', { class: 'muted' }, 'The conversation has expired or was not stored; the text under review:'),
    h('div', { class: 'msg review' }, segments(it.segments)));
  for (const m of data.messages) {
    conv.append(h('div', { class: 'msg ' + m.role + (m.under_review ? ' review' : ''), 'data-message': m.id },
      h('div', { class: 'meta' }, m.role + ' · ' + m.status + (m.categories.length ? ' · ' + m.categories.join(', ') : '') + (m.under_review ? ' · under review' : '')),
      segments(m.segments)));
  }
  const reason = h('input', { id: 'reason', placeholder: 'Reason (recorded in the audit log)', size: 40 });
  const presets = h('select', { id: 'reason-preset', onchange: (e) => { reason.value = e.target.value; } },
    h('option', { value: '' }, 'Preset reasons…'),
    Object.entries(REASONS).map(([d, list]) => h('optgroup', { label: d }, list.map((r) => h('option', { value: r }, r)))));
  const decide = async (decision) => {
    if (!mine) { toast('Claim the item first (c)'); return; }
    const why = reason.value.trim() || REASONS[decision][0];
    try {
      await api('POST', 'items/' + it.id + '/decision', { decision, reason: why });
      toast('Item ' + it.id + ': ' + decision);
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
    if (!mine) actions.append(h('button', { class: 'primary', id: 'claim', onclick: claim }, 'Claim ', h('kbd', {}, 'c')));
    else {
      actions.append(
        h('button', { class: 'ok', id: 'allow', onclick: () => decide('allow') }, 'Allow ', h('kbd', {}, 'a')),
        h('button', { class: 'bad', id: 'remove', onclick: () => decide('remove') }, 'Remove ', h('kbd', {}, 'r')),
        h('button', { id: 'escalate', onclick: () => decide('escalate') }, 'Escalate to admins ', h('kbd', {}, 'e')),
        h('button', { id: 'release', onclick: release }, 'Release ', h('kbd', {}, 'u')));
    }
  }
  const side = h('div', { class: 'card' },
    h('h3', {}, 'Item ' + it.id, ' ', h('span', { class: 'pill ' + it.status, id: 'item-status' }, it.status), it.level ? h('span', { class: 'pill level' }, 'escalated L' + it.level) : null),
    h('p', {}, h('b', {}, 'Source: '), it.source, ' · ', h('b', {}, 'user: '), it.user || '–'),
    h('p', {}, h('b', {}, 'Categories: '), it.categories.map((c) => h('span', { class: 'pill' }, c))),
    h('p', {}, h('b', {}, 'Why queued: '), it.reason || '–'),
    h('p', {}, h('b', {}, 'Waiting: '), ago(it.created_at, data.now)),
    it.claimed_by ? h('p', {}, h('b', {}, 'Claimed by: '), it.claimed_by) : null,
    it.decision ? h('p', {}, h('b', {}, 'Last decision: '), it.decision + ' by ' + it.decided_by + ' — ' + it.decision_reason) : null,
    canDecide() && mine ? h('div', { class: 'actions' }, presets, reason) : null,
    actions,
    h('p', { class: 'muted' }, 'Keys: ', h('kbd', {}, 'c'), ' claim ', h('kbd', {}, 'a'), ' allow ', h('kbd', {}, 'r'), ' remove ',
      h('kbd', {}, 'e'), ' escalate ', h('kbd', {}, 'u'), ' release ', h('kbd', {}, 'n'), ' next ', h('kbd', {}, 'q'), ' queue'));
  view.replaceChildren(h('p', {}, h('a', { href: '#/queue' }, '← Queue')), h('div', { class: 'split' }, conv, side));
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
    [[24, 'last 24 h'], [168, 'last 7 days'], [720, 'last 30 days']].map(([v, l]) => h('option', { value: v }, l)));
  const sla = h('input', { id: 'dash-sla', value: '30', size: 4, onchange: () => load() });
  const body = h('div');
  view.replaceChildren(h('h2', {}, 'Dashboard'), h('div', { class: 'filters card' }, h('label', {}, 'Window', hours), h('label', {}, 'SLA (minutes)', sla)), body);
  setKeys(null);
  async function load() {
    let d;
    try { d = await api('GET', 'dashboard?hours=' + hours.value + '&sla_minutes=' + encodeURIComponent(sla.value)); } catch (e) { body.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
    const o = d.overall;
    const stat = (label, value, id) => h('div', { class: 'stat' }, h('b', { id }, value), label);
    const rows = d.reviewers.map((r) => h('tr', {}, h('td', {}, r.reviewer), h('td', {}, String(r.decided)), h('td', {}, String(r.removed)),
      h('td', {}, num(r.p50_minutes)), h('td', {}, num(r.p90_minutes)), h('td', {}, num(r.p99_minutes)), h('td', {}, pct(r.within_sla)), h('td', {}, num(r.mean_handling_minutes, 2))));
    body.replaceChildren(
      h('div', { class: 'grid' },
        stat('arrivals per hour', num(d.arrivals_per_hour), 'stat-arrivals'),
        stat('backlog (open + claimed)', String(d.backlog), 'stat-backlog'),
        stat('oldest waiting', d.oldest_open_age_seconds ? ago(Date.now() / 1000 - d.oldest_open_age_seconds) : '–', 'stat-oldest'),
        stat('decided', String(o.decided), 'stat-decided'),
        stat('time to decision p50 / p90 / p99 (min)', num(o.p50_minutes) + ' / ' + num(o.p90_minutes) + ' / ' + num(o.p99_minutes), 'stat-pct'),
        stat('decided within ' + d.sla_minutes + ' min', o.decided ? pct(o.within_sla) : '–', 'stat-sla'),
        stat('mean handling time (min)', num(o.mean_handling_minutes, 2), 'stat-aht')),
      h('div', { class: 'card' }, h('h3', {}, 'Arrivals and decisions per hour'),
        lineChart(d.hours.map((x) => x.start * 1000), [
          { name: 'arrivals', values: d.hours.map((x) => x.arrivals), color: '#1f5fbf' },
          { name: 'decided', values: d.hours.map((x) => x.decided), color: '#1b7f3b' }])),
      h('div', { class: 'card' }, h('h3', {}, 'Per reviewer'),
        d.reviewers.length ? barChart(d.reviewers.map((r) => r.reviewer), d.reviewers.map((r) => r.within_sla), 'within SLA', true) : h('p', { class: 'muted' }, 'No decisions in this window.'),
        h('table', { id: 'reviewers' }, h('thead', {}, h('tr', {}, ['reviewer', 'decided', 'removed', 'p50', 'p90', 'p99', 'within SLA', 'handling'].map((c) => h('th', {}, c)))), h('tbody', {}, rows))));
  }
  load();
}

// ---- staffing

async function showStaffing() {
  const view = document.getElementById('view');
  const field = (id, label, value) => h('label', {}, label, h('input', { id, value, size: 7 }));
  const form = h('form', { class: 'filters card', id: 'whatif' },
    field('st-share', 'Target share', '0.95'), field('st-minutes', 'within (minutes)', '30'),
    field('st-rate', 'Arrivals / hour (blank: measured)', ''), field('st-aht', 'Handling min (blank: measured)', ''),
    field('st-traffic', 'What-if: traffic ×', '2'), field('st-hfactor', 'What-if: handling ×', '1'),
    h('label', {}, 'Measure over', h('select', { id: 'st-hours' }, [[24, '24 h'], [168, '7 days']].map(([v, l]) => h('option', { value: v }, l)))),
    h('button', { class: 'primary', type: 'submit', id: 'st-go' }, 'Compute'));
  const out = h('div', { id: 'staffing-out' });
  view.replaceChildren(h('h2', {}, 'Staffing (Erlang C)'),
    h('p', { class: 'muted' }, 'Reviewers needed so that the target share of flags is decided within the target time, from the measured arrival rate and handling time (M/M/N). Also: safegate serve staffing.'),
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
      h('p', { class: 'muted' }, 'Measured over ' + d.measured.hours + ' h: ' + num(d.measured.arrivals_per_hour) + ' arrivals/h, handling ' + num(d.measured.handling_minutes, 2) + ' min.'),
      h('div', { class: 'grid' }, d.scenarios.map((s) => h('div', { class: 'stat', 'data-scenario': s.name },
        h('b', { class: 'reviewers' }, s.error ? '–' : String(s.reviewers)),
        'reviewers — ' + s.name + ' (' + num(s.arrivals_per_hour) + '/h × ' + num(s.handling_minutes, 2) + ' min)',
        s.error ? h('div', { class: 'error' }, s.error) : s.note ? h('div', { class: 'muted' }, s.note)
          : h('div', { class: 'muted' }, 'service level ' + pct(s.service_level) + ', occupancy ' + pct(s.occupancy) + ', mean wait ' + num(s.mean_wait_minutes, 2) + ' min')))),
      h('div', { class: 'card' }, h('h3', {}, 'Service level by team size'),
        ...d.scenarios.filter((s) => s.curve && s.curve.length).map((s) =>
          h('div', {}, h('p', { class: 'muted' }, s.name), barChart(s.curve.map((c) => String(c.reviewers)), s.curve.map((c) => c.service_level), 'service level', true, d.target.share)))));
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
    h('td', {}, s.name), h('td', {}, String(s.items)), h('td', {}, s.labelled + ' (' + pct(s.items ? s.labelled / s.items : 0) + ')'), h('td', {}, String(s.unallowable)),
    h('td', {}, h('a', { href: '/ui/api/labels/' + encodeURIComponent(s.name) + '/export', onclick: (e) => e.stopPropagation() }, 'export JSONL'))));
  const upload = state.me.role === 'admin' ? h('form', { class: 'filters card', id: 'label-import' },
    h('label', {}, 'Set name', h('input', { id: 'set-name', required: true, size: 16 })),
    h('label', {}, 'File from corpus label export (.jsonl)', h('input', { id: 'set-file', type: 'file', accept: '.jsonl,.json', required: true })),
    h('button', { class: 'primary', type: 'submit' }, 'Import')) : null;
  if (upload) upload.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = document.getElementById('set-file').files[0];
    const name = document.getElementById('set-name').value.trim();
    try { const r = await api('POST', 'labels/' + encodeURIComponent(name) + '/import', await file.text(), true); toast(r.items + ' items imported'); showLabelSets(); } catch (err) { toast(err.message); }
  });
  // replaceChildren writes a null child as the text "null": leave the form out instead.
  view.replaceChildren(h('h2', {}, 'Corpus labelling'),
    h('p', { class: 'muted' }, 'Samples from "safegate corpus sample", exported with "corpus label export". Labels exported here feed "safegate corpus audit --labels".'),
    ...(upload ? [upload] : []), h('table', { id: 'label-sets' }, h('thead', {}, h('tr', {}, ['set', 'items', 'labelled', 'unallowable', ''].map((c) => h('th', {}, c)))), h('tbody', {}, rows)));
}

async function showLabelSet(name) {
  const view = document.getElementById('view');
  let d;
  try { d = await api('GET', 'labels/' + encodeURIComponent(name) + '?unlabelled=1&limit=1'); } catch (e) { view.replaceChildren(h('p', { class: 'error' }, e.message)); return; }
  const it = d.items[0];
  const back = h('p', {}, h('a', { href: '#/labels' }, '← Label sets'), ' · ', h('a', { href: '/ui/api/labels/' + encodeURIComponent(name) + '/export' }, 'export JSONL'));
  if (!it) { view.replaceChildren(back, h('p', { id: 'labels-done' }, 'Every item of ' + name + ' is labelled.')); setKeys(null); return; }
  const rec = it.record || {};
  const category = h('input', { id: 'label-category', placeholder: 'category (optional)', size: 12, value: (rec.machine_categories || [])[0] || '' });
  const note = h('input', { id: 'label-note', placeholder: 'note', size: 30 });
  const save = async (label) => {
    if (!canDecide()) { toast('Viewers cannot label'); return; }
    try {
      await api('POST', 'labels/' + encodeURIComponent(name) + '/label', { sample_id: it.sample_id, label, category: label === 'unallowable' ? category.value.trim() : '', note: note.value });
      toast(it.sample_id + ': ' + label);
      showLabelSet(name);
    } catch (e) { toast(e.message); }
  };
  view.replaceChildren(back, h('div', { class: 'card', id: 'label-item', 'data-sample': it.sample_id },
    h('h3', {}, 'Sample ' + it.sample_id),
    h('p', { class: 'muted' }, (rec.source || '') + ' · ' + (rec.file || '') + ':' + (rec.line || '') + ' · machine: ' + (rec.machine_flagged ? 'flagged ' + (rec.machine_categories || []).join(', ') : 'not flagged')),
    h('div', { class: 'msg review' }, segments(it.segments)),
    canDecide() ? h('div', { class: 'actions' },
      h('button', { class: 'ok', id: 'label-ok', onclick: () => save('allowable') }, 'Allowable ', h('kbd', {}, 'o')),
      h('button', { class: 'bad', id: 'label-bad', onclick: () => save('unallowable') }, 'Unallowable ', h('kbd', {}, 'x')),
      category, note) : h('p', { class: 'muted' }, 'Viewers cannot label.')));
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
(async () => {
  try {
    const res = await fetch('/ui/api/me', { credentials: 'same-origin' });
    if (res.ok) { state.me = await res.json(); start(); } else showLogin();
  } catch (e) { showLogin(); }
  document.body.dataset.ready = '1';
})();
