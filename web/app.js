// The kiosk page of syncml-bridge: loads /api/state (devices, backups), then follows the live
// feed (/feed, one JSON event per WebSocket message) and shows each session as it runs. Every
// value comes from phones and is shown with textContent, never as HTML.
'use strict';

const KIND_NAMES = { contacts: 'Contacts', calendar: 'Calendar', tasks: 'Tasks', notes: 'Notes' };
const RECENT_MAX = 10;

/** key -> session state, in order of arrival. */
const sessions = new Map();
/** device id -> { man, mod } from device:seen events (until /api/state has them). */
const seen = new Map();
let devices = [];
/** phone name -> { name, link, state, text, time } from the daemon's scheduled syncs (phone:*). */
const phones = new Map();

/** What a phone event means for the person at the kiosk. */
function phoneState(msg) {
  switch (msg.channel) {
    case 'phone:attempt': return ['connecting', 'connecting…'];
    case 'phone:stage':
      if (msg.stage === 'connected') return ['alerting', 'connected; asking the phone to sync'];
      if (msg.stage === 'san-forbidden') return ['waiting', `the phone shows a question: accept the sync on its screen (asked ${msg.attempt} time${msg.attempt === 1 ? '' : 's'})`];
      if (msg.stage === 'san-accepted') return ['syncing', 'syncing'];
      return null;
    case 'phone:result':
      if (msg.ok) return ['ok', msg.summary && msg.summary.length > 0 ? `done: ${msg.summary.join('; ')}` : 'done'];
      if (msg.absent) return ['absent', `not in reach (${msg.message})`];
      return ['failed', `failed: ${msg.message}`];
    case 'phone:gone': return ['gone', 'unplugged'];
    default: return null;
  }
}

function onPhone(msg) {
  const st = phoneState(msg);
  if (!st) return;
  phones.set(msg.phone, { name: msg.phone, link: msg.link, state: st[0], text: st[1], time: msg.time });
  while (phones.size > 100) phones.delete(phones.keys().next().value);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

function bytes(n) {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

function phoneName(device, man, mod) {
  const known = seen.get(device) || {};
  const name = [man || known.man, mod || known.mod].filter(Boolean).join(' ');
  return name || device || 'unknown phone';
}

function session(key, msg) {
  let s = sessions.get(key);
  if (!s) {
    s = { key, device: msg.device, link: msg.link, user: null, startedAt: msg.time, stores: new Map(), end: null, files: [], refused: [] };
    sessions.set(key, s);
    while (sessions.size > 50) sessions.delete(sessions.keys().next().value);
  }
  if (msg.device) s.device = msg.device;
  return s;
}

function store(s, kind) {
  let st = s.stores.get(kind);
  if (!st) {
    st = { kind, mode: null, uri: null, from: { done: 0, expected: null }, to: { done: 0, expected: null } };
    s.stores.set(kind, st);
  }
  return st;
}

function onMessage(msg) {
  if (msg.channel === 'feed:live') return;
  const key = msg.session;
  if (msg.channel === 'device:seen' && msg.device) seen.set(msg.device, { man: msg.man, mod: msg.mod });
  if (msg.channel.startsWith('phone:')) {
    onPhone(msg);
    render();
    return;
  }
  if (!key) return;
  const s = session(key, msg);
  switch (msg.channel) {
    case 'session:start': s.user = msg.user; s.startedAt = msg.startedAt || msg.time; break;
    case 'session:auth': if (msg.user) s.user = msg.user; break;
    case 'datastore:alert': if (msg.datastore) { const st = store(s, msg.datastore); st.mode = msg.mode; st.uri = msg.uri; } break;
    case 'session:progress': if (msg.datastore) {
      const st = store(s, msg.datastore);
      st[msg.direction === 'to-client' ? 'to' : 'from'] = { done: msg.done, expected: msg.expected };
    } break;
    case 'session:refused': s.refused.push(`${msg.reason} (status ${msg.status})`); break;
    case 'session:end': s.end = { ok: msg.ok, reason: msg.reason, datastores: msg.datastores || [], time: msg.time }; scheduleState(); break;
    case 'backup:written': s.files = msg.files || []; scheduleState(); break;
    default: break;
  }
  render();
}

function bar(label, p, kind, direction) {
  const row = el('div', { class: 'bar', 'data-kind': kind, 'data-direction': direction });
  const prog = el('progress', { max: Math.max(1, p.expected ?? 1) });
  if (p.expected !== null && p.expected !== undefined) prog.value = Math.min(p.done, p.expected);
  const text = p.expected === null || p.expected === undefined ? `${p.done} so far` : `${p.done} of ${p.expected}`;
  row.append(el('span', { text: label }), prog, el('span', { class: 'count', 'data-done': p.done, 'data-expected': p.expected ?? '', text }));
  return row;
}

function counts(c) {
  return `+${c.added} ~${c.updated} -${c.deleted}${c.failed > 0 ? ` (${c.failed} failed)` : ''}`;
}

function downloads(files) {
  if (!files || files.length === 0) return null;
  const ul = el('ul', { class: 'downloads' });
  for (const f of files) {
    ul.append(el('li', {}, el('a', { class: 'download', href: f.url, download: '', 'data-kind': f.kind, text: `${KIND_NAMES[f.kind] || f.kind} (${f.name}, ${bytes(f.bytes)})` })));
  }
  return ul;
}

function sessionCard(s) {
  const card = el('article', { class: 'session', 'data-session': s.key, 'data-state': s.end ? (s.end.ok ? 'ok' : 'failed') : 'running' });
  card.append(el('h3', { text: phoneName(s.device) }));
  card.append(el('div', { class: 'meta', text: [s.device, s.user ? `user ${s.user}` : null, s.link, `started ${when(s.startedAt)}`].filter(Boolean).join(' · ') }));
  for (const st of s.stores.values()) {
    const box = el('div', { class: 'store', 'data-kind': st.kind });
    box.append(el('div', {}, el('span', { class: 'name', text: KIND_NAMES[st.kind] || st.kind }), st.mode ? ` — ${st.mode}` : ''));
    box.append(bar('from the phone', st.from, st.kind, 'from-client'), bar('to the phone', st.to, st.kind, 'to-client'));
    card.append(box);
  }
  for (const r of s.refused) card.append(el('div', { class: 'counts', text: `refused: ${r}` }));
  if (s.end) {
    card.append(el('div', { class: 'result', 'data-ok': s.end.ok, text: s.end.ok ? `Done (${when(s.end.time)})` : `Failed: ${s.end.reason}` }));
    for (const d of s.end.datastores) {
      card.append(el('div', { class: 'counts', 'data-kind': d.kind, text: `${KIND_NAMES[d.kind] || d.kind} ${d.mode}: phone → bridge ${counts(d.fromClient)}, bridge → phone ${counts(d.toClient)}${d.conflicts > 0 ? `, ${d.conflicts} conflicts` : ''}` }));
    }
  }
  const dl = downloads(s.files);
  if (dl) card.append(el('div', { class: 'counts', text: 'Backup:' }), dl);
  return card;
}

function render() {
  const all = [...sessions.values()];
  const active = all.filter((s) => !s.end);
  const recent = all.filter((s) => s.end).reverse().slice(0, RECENT_MAX);
  document.getElementById('active').replaceChildren(...active.map(sessionCard));
  document.getElementById('recent').replaceChildren(...recent.map(sessionCard));
  document.getElementById('idle').hidden = active.length > 0;
  document.getElementById('no-recent').hidden = recent.length > 0;
  document.getElementById('phones').replaceChildren(...[...phones.values()].map((p) =>
    el('li', { 'data-phone': p.name, 'data-state': p.state },
      el('span', { class: 'name', text: p.name }), ` — `, el('span', { class: 'text', text: p.text }), el('span', { class: 'hint', text: ` (${when(p.time)})` }))));
  document.getElementById('phones-s').hidden = phones.size === 0;
  renderDevices();
}

function renderDevices() {
  const table = document.getElementById('devices');
  const body = table.querySelector('tbody');
  body.replaceChildren(...devices.map((d) => {
    const stores = d.datastores.map((s) => `${KIND_NAMES[s.kind] || s.kind}${s.lastSync ? ` (${when(s.lastSync)})` : ''}`).join(', ');
    const latest = d.backups[0];
    return el('tr', { 'data-device': d.id },
      el('td', {}, el('code', { text: d.id })),
      el('td', { text: phoneName(d.id, d.man, d.mod) }),
      el('td', { text: d.user }),
      el('td', { text: when(d.lastSeen) }),
      el('td', { text: stores }),
      el('td', {}, latest ? el('div', { class: 'hint', text: latest.id }) : '—', latest ? downloads(latest.files) : null));
  }));
  table.hidden = devices.length === 0;
  document.getElementById('no-devices').hidden = devices.length > 0;
}

let stateTimer = null;
function scheduleState() {
  if (stateTimer !== null) return;
  stateTimer = setTimeout(() => { stateTimer = null; void loadState(); }, 300);
}

async function loadState() {
  try {
    const r = await fetch('/api/state', { cache: 'no-store' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    devices = (await r.json()).devices;
    renderDevices();
  } catch (err) {
    console.warn('state', err);
  }
}

function setStatus(state, text) {
  const s = document.getElementById('feed-status');
  s.dataset.state = state;
  s.textContent = text;
}

let retry = 500;
function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/feed`;
  document.getElementById('feed-url').textContent = url;
  const ws = new WebSocket(url);
  let fresh = true;
  ws.onmessage = (ev) => {
    if (fresh) {
      // A (re)connection replays the backlog: start over from it.
      fresh = false;
      sessions.clear();
      phones.clear();
    }
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.channel === 'feed:live') { setStatus('live', 'live'); retry = 500; }
    onMessage(msg);
  };
  ws.onclose = () => {
    setStatus('down', 'reconnecting…');
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 10000);
  };
}

render();
void loadState();
connect();
