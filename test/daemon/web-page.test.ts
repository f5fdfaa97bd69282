// The kiosk page in headless Chromium (Debian's package, through playwright-core). The daemon
// watches every port matching `ports/port-*` (as it would /dev/syncml-bridge/*, the udev rule's
// links); a cable is plugged in (a socat pty, vphone phone-server answering AT*EOBEX behind it,
// SyncEvolution holding 200 contacts) and a second port whose phone never answers. The page, open
// before, shows every progress state the feed publishes, ends with the result and a download link
// whose file holds the phone's contacts, and says what went wrong on the silent port; a screenshot
// is saved to test/out/. Another program's WebSocket subscription to the same feed and /metrics
// are checked alongside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { ROOT } from '../helpers/cli.js';
import { launchChromium } from '../helpers/chromium.js';
import { copyPeers, fnSet, freePort, genVcards, normalisedFn, requireSyncEvolution, type PeersCopy } from '../helpers/syncevo.js';
import { symlinkSync } from 'node:fs';
import { BridgeDaemon, PhoneServer, PtyPair } from '../helpers/vphone.js';

let copy: PeersCopy;
let browser: Browser | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
before(async () => {
  requireSyncEvolution();
  copy = copyPeers();
  browser = await launchChromium();
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await browser?.close();
  if (copy !== undefined) rmSync(copy.dir, { recursive: true, force: true });
});

interface Progress { kind: string; direction: string; done: number; expected: number | null }
const key = (p: Progress): string => `${p.kind}/${p.direction}/${p.done}/${p.expected ?? '-'}`;

/** The FN of each vCard in a .vcf file, normalised like the phone's. */
function vcfFns(text: string): string[] {
  return text.split(/(?=BEGIN:VCARD)/).filter((c) => c.startsWith('BEGIN:VCARD')).map((c) => normalisedFn(c) ?? '').sort();
}

test('kiosk page: a cable plugged into any watched port is synced live, with progress, result, a working backup download, and a silent port explained', { timeout: 420_000 }, async () => {
  const dir = join(copy.dir, 'kiosk');
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'var');
  const ports = join(dir, 'ports');
  const httpPort = await freePort();
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({
    dataDir,
    phones: [{ name: 'counter', serial: `${ports}/port-*`, profile: 'sonyericsson', onAppear: true, poll: 0.5, backup: true, stores: ['contacts'] }],
  }));
  const d = await BridgeDaemon.start(ROOT, ['--config', cfg, '--obex-tcp', `127.0.0.1:${await freePort()}`, '--http', `127.0.0.1:${httpPort}`, '--log-level', 'info']);
  cleanups.push(() => d.stop());
  const base = `http://127.0.0.1:${httpPort}`;
  assert.match(d.out, new RegExp(`web page: ${base}/ \\(live feed ws://127\\.0\\.0\\.1:${httpPort}/feed; loopback clients only\\)`));

  // another program subscribes to the feed too: it sees what the page sees
  const events: Array<Record<string, unknown>> = [];
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/feed`);
  ws.on('message', (m: Buffer) => events.push(JSON.parse(m.toString()) as Record<string, unknown>));
  await new Promise<void>((r, j) => { ws.once('open', () => r()); ws.once('error', j); });
  cleanups.push(async () => ws.close());

  const page = await browser!.newPage({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForSelector('#feed-status[data-state="live"]', { timeout: 30_000 });
  assert.equal(await page.isVisible('#idle'), true, 'no session yet');
  // record every progress state the page renders
  // (a string: this project's TypeScript has no DOM types)
  await page.evaluate(`(() => {
    window.seen = [];
    const note = () => {
      for (const bar of document.querySelectorAll('#active .bar, #recent .bar')) {
        const c = bar.querySelector('.count');
        const s = bar.dataset.kind + '/' + bar.dataset.direction + '/' + c.dataset.done + '/' + (c.dataset.expected === '' ? '-' : c.dataset.expected);
        if (!window.seen.includes(s)) window.seen.push(s);
      }
    };
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);

  // the cable is plugged in; the phone's messages are phone-sized (16 KB), so the 200 contacts
  // come in many messages and the bar moves
  const phoneData = join(dir, 'phone-data');
  mkdirSync(phoneData);
  await genVcards(copy, phoneData, 200, 51);
  const cableDir = join(dir, 'cable');
  mkdirSync(cableDir);
  const cable = await PtyPair.start(cableDir);
  cleanups.push(() => cable.stop());
  const phone = await PhoneServer.start({ vphonePy: join(copy.peers, 'vphone/vphone.py'), peers: copy.peers, dir, name: 'counter', phoneData, link: { serial: cable.b }, deviceId: 'sb-kiosk-phone', env: ['SYNCEVO_MAXMSGSIZE=16000'] }, await freePort());
  cleanups.push(() => phone.stop());
  mkdirSync(ports);
  symlinkSync(cable.a, join(ports, 'port-a'));
  // and a port whose phone never answers
  const deadDir = join(dir, 'dead');
  mkdirSync(deadDir);
  const dead = await PtyPair.start(deadDir);
  cleanups.push(() => dead.stop());
  symlinkSync(dead.a, join(ports, 'port-b'));

  // while it runs: a card in "Now" with the phone's contacts bar
  await page.waitForSelector('#active .session[data-state="running"] .bar[data-kind="contacts"]', { timeout: 240_000 });
  const done = await page.waitForSelector('#recent .session[data-state="ok"]', { timeout: 240_000 });
  assert.match((await done.textContent()) ?? '', /Contacts slow: phone → bridge \+200 ~0 -0, bridge → phone \+0 ~0 -0/);
  // (a locator, not a handle: the page redraws its cards on every event)
  const link = page.locator('#recent .session a.download[data-kind="contacts"]').first();
  await link.waitFor({ timeout: 30_000 });
  mkdirSync(join(ROOT, 'test/out'), { recursive: true });

  // every progress state the feed published was shown, ending at 200 of 200
  const fromFeed = events.filter((e) => e.channel === 'session:progress').map((e) => ({ kind: String(e.datastore), direction: String(e.direction), done: Number(e.done), expected: e.expected as number | null }));
  assert.ok(fromFeed.length > 0, 'progress events on the feed');
  assert.ok(fromFeed.some((p) => p.direction === 'from-client' && p.done > 0 && p.done < 200), `intermediate progress: ${JSON.stringify(fromFeed)}`);
  assert.ok(fromFeed.some((p) => p.direction === 'from-client' && p.done === 200 && p.expected === 200), JSON.stringify(fromFeed));
  const seen = await page.evaluate<string[]>('window.seen');
  for (const p of fromFeed) assert.ok(seen.includes(key(p)), `page showed ${key(p)} (saw ${seen.join(' ')})`);
  assert.equal(await page.textContent('#recent .session[data-state="ok"] .bar[data-kind="contacts"][data-direction="from-client"] .count'), '200 of 200');
  const channels = new Set(events.map((e) => e.channel));
  for (const c of ['feed:live', 'phone:attempt', 'phone:stage', 'phone:result', 'session:start', 'device:seen', 'datastore:alert', 'session:progress', 'session:end', 'backup:written']) assert.ok(channels.has(c), `feed has ${c}: ${[...channels].join(' ')}`);
  const start = events.find((e) => e.channel === 'session:start')!;
  const end = events.find((e) => e.channel === 'session:end')!;
  assert.equal(start.session, end.session, 'one session key from start to end');
  assert.equal(start.device, 'sb-kiosk-phone');

  // the silent port: the page says so, in words
  const silent = await page.waitForSelector(`#phones li[data-phone="counter ${ports}/port-b"][data-state="failed"]`, { timeout: 60_000 });
  assert.match((await silent.textContent()) ?? '', /failed: .*port-b: no answer to ATZ/);
  assert.equal(await page.getAttribute(`#phones li[data-phone="counter ${ports}/port-a"]`, 'data-state'), 'ok');
  await page.screenshot({ path: join(ROOT, 'test/out/kiosk-page.png'), fullPage: true });

  // the download link works and holds the phone's contacts
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^sb-kiosk-phone_\d{4}-\d\d-\d\dT\d{6}Z_contacts\.vcf$/);
  const saved = readFileSync((await download.path())!, 'utf8');
  assert.deepEqual(vcfFns(saved), fnSet(phoneData));

  // the devices table (from /api/state after the end) lists the phone with its backup
  await page.waitForSelector('#devices tr[data-device="sb-kiosk-phone"] a.download[data-kind="contacts"]', { timeout: 30_000 });
  assert.deepEqual(consoleErrors, []);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /syncml_bridge_sessions_total\{transport="serial",result="ok"\} 1/);
  assert.match(metrics, /syncml_bridge_items_total\{datastore="contacts",direction="from-client",op="add"\} 200/);
  assert.match(metrics, /syncml_bridge_errors_total\{kind="host-sync"\} 1/, 'the silent port');
  assert.match(metrics, /syncml_bridge_session_duration_seconds_count\{transport="serial",result="ok"\} 1/);
  await page.close();
  assert.equal(await d.stop(), 0);
});
