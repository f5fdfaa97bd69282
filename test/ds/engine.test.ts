// The server engine on an in-memory store with the real content handlers: package flow, sync
// modes and anchors, maps, conflicts, large objects, Atomic, suspend/resume, auth, locks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { md5Digest11, md5Secret } from '../../src/ds/auth.js';
import { make, type Add, type Alert, type Replace, type Sync } from '../../src/syncml/index.js';
import { Client, commands, rig, statuses, vcard } from './helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Alert + Sync + Map: one complete two-message session of a client holding `adds`. */
function fullSync(c: Client, code: number, last: string | undefined, next: string, adds: Array<[luid: string, card: string]>): { pkg2: ReturnType<Client['send']>; pkg4: ReturnType<Client['send']>; pkg6?: ReturnType<Client['send']> } {
  const pkg2 = c.send([c.alert(code, last, next)]);
  const items = adds.map(([luid, card]) => make.add([make.item({ source: luid, data: card, meta: { Type: 'text/vcard' } })]));
  const pkg4 = c.send([make.sync('Contacts', './contacts', items)]);
  const serverAdds = commands(pkg4, 'Add') as Add[];
  if (serverAdds.length === 0 && commands(pkg4, 'Replace').length === 0 && commands(pkg4, 'Delete').length === 0) return { pkg2, pkg4 };
  const sts = [...serverAdds, ...commands(pkg4, 'Replace'), ...commands(pkg4, 'Delete')].map((a) => make.status(pkg4.reply.SyncHdr.MsgID, a.CmdID, a.cmd, a.cmd === 'Add' ? 201 : 200));
  const pairs = serverAdds.map((a, i): [string, string] => [a.Item[0]!.Source!.LocURI, `srv-${c.session}-${i}`]);
  const pkg6 = c.send([...sts, ...(pairs.length > 0 ? [make.mapCmd('Contacts', './contacts', pairs)] : [])]);
  return { pkg2, pkg4, pkg6 };
}

describe('server engine', () => {
  test('slow sync, then a two-way with nothing changed ends after two client messages', () => {
    const r = rig();
    const c = new Client(r);
    const { pkg2, pkg4 } = fullSync(c, 201, undefined, 'a1', [['1', vcard('Alice')], ['2', vcard('Bob', '+4999')]]);
    assert.equal(statuses(pkg2, 'Alert')[0]!.Data, 200);
    const al = commands(pkg2, 'Alert') as Alert[];
    assert.equal(al[0]!.Data, 201);
    assert.ok(pkg2.reply.SyncBody.Final);
    assert.deepEqual(statuses(pkg4, 'Add').map((s) => s.Data), [201, 201]);
    assert.ok(pkg4.done, 'nothing owed: the session ends with package 4');
    assert.equal(r.store.countLive('local', 'contacts'), 2);

    c.newSession();
    const again = fullSync(c, 200, 'a1', 'a2', []);
    assert.equal(statuses(again.pkg2, 'Alert')[0]!.Data, 200);
    assert.ok(again.pkg4.done);
    assert.equal(commands(again.pkg4, 'Add').length, 0);
  });

  test('the reply is in the client version and encoding (1.1 XML)', () => {
    const r = rig();
    const c = new Client(r, 'IMEI:11', '1.1', 'xml');
    const pkg2 = c.send([c.alert(201, undefined, 'x')]);
    assert.equal(pkg2.encoding, 'xml');
    assert.equal(pkg2.contentType, 'application/vnd.syncml+xml');
    assert.equal(pkg2.reply.SyncHdr.VerDTD, '1.1');
    assert.match(dec.decode(pkg2.body), /SYNCML:SYNCML1\.1/);
  });

  test('anchor mismatch answers 508 and runs a slow sync that matches instead of duplicating', () => {
    const r = rig();
    const c = new Client(r);
    fullSync(c, 201, undefined, 'a1', [['1', vcard('Alice')]]);
    c.newSession();
    const { pkg2, pkg4 } = fullSync(c, 200, 'WRONG', 'a2', [['1', vcard('Alice')], ['9', vcard('Carol', '+4977')]]);
    assert.equal(statuses(pkg2, 'Alert')[0]!.Data, 508);
    assert.equal((commands(pkg2, 'Alert') as Alert[])[0]!.Data, 201);
    assert.ok(pkg4.done);
    assert.equal(r.store.countLive('local', 'contacts'), 2);
  });

  test('server changes go to the client with temp ids when its MaxGUIDSize is small, and Map resolves them', () => {
    const r = rig();
    const c = new Client(r);
    // A DevInf saying the client takes GUIDs of at most 1 character.
    const devinf = {
      VerDTD: '1.2', Man: 'Test', Mod: 'Phone', DevID: 'IMEI:1', DevTyp: 'phone',
      DataStores: [{ SourceRef: './contacts', MaxGUIDSize: 1, RxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, TxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, SyncCap: ['1', '2'] }],
    };
    for (let i = 0; i < 40; i++) r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard(`Person ${i}`, `+49${i}`)), matchKey: null, changedBy: null, now: 1 });
    const put = make.put([make.item({ source: './devinf12', data: devinf as never })], { Meta: { Type: 'application/vnd.syncml-devinf+wbxml' } });
    c.send([put, c.alert(201, undefined, 'n1')]);
    const pkg4 = c.send([make.sync('Contacts', './contacts', [])]);
    const adds = commands(pkg4, 'Add') as Add[];
    assert.equal(adds.length, 40);
    const ids = adds.map((a) => a.Item[0]!.Source!.LocURI);
    assert.ok(ids.some((id) => id.startsWith('#')), 'long GUIDs replaced by temporary ids');
    assert.ok(adds.every((a) => a.Item[0]!.Meta?.Type === 'text/x-vcard'), 'rendered in the device preferred type');
    assert.ok(!pkg4.done);
    const sts = adds.map((a) => make.status(pkg4.reply.SyncHdr.MsgID, a.CmdID, 'Add', 201));
    const end = c.send([...sts, make.mapCmd('Contacts', './contacts', ids.map((id, i) => [id, `L${i}`]))]);
    assert.equal(statuses(end, 'Map')[0]!.Data, 200);
    assert.ok(end.done);
    assert.equal(r.store.listMaps('IMEI:1', 'contacts').length, 40);
    assert.ok(r.store.listMaps('IMEI:1', 'contacts').every(([, guid]) => !guid.startsWith('#')));
  });

  test('a package larger than MaxMsgSize is split, and a large item goes in chunks', () => {
    const r = rig();
    const c = new Client(r);
    const photo = 'A'.repeat(20_000);
    r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:Big;;;;\r\nFN:Big\r\nPHOTO;ENCODING=b;TYPE=JPEG:${photo}\r\nEND:VCARD\r\n`), matchKey: null, changedBy: null, now: 1 });
    for (let i = 0; i < 30; i++) r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard(`P${i}`, `+1${i}`)), matchKey: null, changedBy: null, now: 1 });
    c.send([c.alert(201, undefined, 'n1')], { maxMsgSize: 6000 });
    let reply = c.send([make.sync('Contacts', './contacts', [])], { maxMsgSize: 6000 });
    let messages = 1;
    const chunks: string[] = [];
    let adds = 0;
    while (!reply.reply.SyncBody.Final) {
      assert.ok(reply.body.length <= 6000, `message of ${reply.body.length} bytes`);
      const sent = commands(reply, 'Add') as Add[];
      adds += sent.filter((a) => a.Item[0]!.MoreData !== true).length;
      for (const a of sent) if (a.Item[0]!.MoreData === true || chunks.length > 0 && typeof a.Item[0]!.Data === 'string' && a.Item[0]!.Data.startsWith('A')) chunks.push(String(a.Item[0]!.Data));
      const sts = sent.map((a) => make.status(reply.reply.SyncHdr.MsgID, a.CmdID, 'Add', a.Item[0]!.MoreData === true ? 213 : 201));
      reply = c.send([...sts, make.alert(222, [make.item({ target: 'syncml-bridge', source: 'IMEI:1' })])], { final: false, maxMsgSize: 6000 });
      messages++;
      assert.ok(messages < 50);
    }
    adds += (commands(reply, 'Add') as Add[]).length;
    assert.ok(messages > 3, `split over ${messages} messages`);
    assert.ok(chunks.length >= 2, 'the big item went in chunks');
    assert.equal(adds, 31);
  });

  test('an incoming large object is reassembled (213 per chunk) and checked against its Size', () => {
    const r = rig();
    const c = new Client(r);
    c.send([c.alert(201, undefined, 'n1')]);
    const card = `BEGIN:VCARD\r\nVERSION:3.0\r\nN:Chunky;;;;\r\nFN:Chunky\r\nNOTE:${'x'.repeat(3000)}\r\nEND:VCARD\r\n`;
    const a = card.slice(0, 1000);
    const b = card.slice(1000, 2000);
    const rest = card.slice(2000);
    const m1 = c.send([make.sync('Contacts', './contacts', [make.add([make.item({ source: 'L1', data: a, meta: { Type: 'text/vcard', Size: card.length }, moreData: true })])])], { final: false });
    assert.equal(statuses(m1, 'Add')[0]!.Data, 213);
    const m2 = c.send([make.sync('Contacts', './contacts', [make.add([make.item({ source: 'L1', data: b, moreData: true })])])], { final: false });
    assert.equal(statuses(m2, 'Add')[0]!.Data, 213);
    const m3 = c.send([make.sync('Contacts', './contacts', [make.add([make.item({ source: 'L1', data: rest })])])]);
    assert.equal(statuses(m3, 'Add')[0]!.Data, 201);
    const stored = r.store.liveItems('local', 'contacts', undefined, 10);
    assert.equal(stored.length, 1);
    assert.match(dec.decode(stored[0]!.data).replace(/\r\n /g, ''), /x{3000}/);

    // A size mismatch is 424 and stores nothing.
    c.newSession();
    c.send([c.alert(200, 'n1', 'n2')]);
    c.send([make.sync('Contacts', './contacts', [make.add([make.item({ source: 'L2', data: a, meta: { Type: 'text/vcard', Size: 99999 }, moreData: true })])])], { final: false });
    const bad = c.send([make.sync('Contacts', './contacts', [make.add([make.item({ source: 'L2', data: rest })])])]);
    assert.equal(statuses(bad, 'Add')[0]!.Data, 424);
    assert.equal(r.store.countLive('local', 'contacts'), 1);
  });

  test('Atomic rolls back every part when one fails (507, 216, the failing code, 215)', () => {
    const r = rig();
    const c = new Client(r);
    c.send([c.alert(201, undefined, 'n1')]);
    const atomic = { cmd: 'Atomic', commands: [
      make.add([make.item({ source: 'A1', data: vcard('Ann'), meta: { Type: 'text/vcard' } })]),
      make.add([make.item({ source: 'A2', data: 'not a vcard', meta: { Type: 'text/vcard' } })]),
      make.add([make.item({ source: 'A3', data: vcard('Cid'), meta: { Type: 'text/vcard' } })]),
    ] } as never;
    const reply = c.send([make.sync('Contacts', './contacts', [atomic])]);
    assert.equal(statuses(reply, 'Atomic')[0]!.Data, 507);
    assert.deepEqual(statuses(reply, 'Add').map((s) => s.Data), [216, 400, 215]);
    assert.equal(r.store.countLive('local', 'contacts'), 0);
  });

  test('conflict: client and server changed the same contact; merge keeps both sides fields', () => {
    const r = rig();
    const c = new Client(r);
    fullSync(c, 201, undefined, 'a1', [['1', vcard('Dora', '+4911')]]);
    const [luid, guid] = r.store.listMaps('IMEI:1', 'contacts')[0]!;
    assert.equal(luid, '1');
    const stored = r.store.getItem('local', 'contacts', guid)!;
    const serverEdit = dec.decode(stored.data).replace('END:VCARD', 'EMAIL:dora@server.example\r\nEND:VCARD');
    r.store.putItem('local', 'contacts', { guid, contentType: stored.contentType, data: enc.encode(serverEdit), matchKey: stored.matchKey, changedBy: null, now: 5 });
    c.newSession();
    c.send([c.alert(200, 'a1', 'a2')]);
    const pkg4 = c.send([make.sync('Contacts', './contacts', [make.replace([make.item({ source: '1', data: vcard('Dora', '+4922'), meta: { Type: 'text/vcard' } })])])]);
    assert.equal(statuses(pkg4, 'Replace')[0]!.Data, 207);
    const merged = dec.decode(r.store.getItem('local', 'contacts', guid)!.data);
    assert.match(merged, /\+4922/);
    assert.match(merged, /dora@server\.example/);
    const back = commands(pkg4, 'Replace') as Replace[];
    assert.equal(back.length, 1, 'the merged contact goes back to the client');
    assert.equal(back[0]!.Item[0]!.Target!.LocURI, '1');
  });

  test('refresh from client replaces the server data; client reset sends nothing and keeps the server data', () => {
    const r = rig();
    const c = new Client(r);
    for (const n of ['X', 'Y']) r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard(n)), matchKey: null, changedBy: null, now: 1 });
    const { pkg4 } = fullSync(c, 203, undefined, 'r1', [['1', vcard('Only', '+4955')]]);
    assert.ok(pkg4.done);
    assert.equal(r.store.countLive('local', 'contacts'), 1);
    c.newSession();
    const reset = c.send([c.alert(200, 'r1', 'r2', 'Contacts?sync=9')]);
    assert.equal((commands(reset, 'Alert') as Alert[])[0]!.Data, 205);
    const end = c.send([make.sync('Contacts', './contacts', [])]);
    assert.equal(commands(end, 'Add').length, 0);
    assert.ok(end.done);
    assert.equal(r.store.countLive('local', 'contacts'), 1);
  });

  test('a session cut before its end leaves the anchors as they were', () => {
    const r = rig();
    const c = new Client(r);
    fullSync(c, 201, undefined, 'a1', [['1', vcard('Eve')]]);
    c.newSession();
    c.send([c.alert(200, 'a1', 'a2')]);
    // The link drops here: the next session still presents a1 and is accepted as two-way.
    c.newSession();
    const pkg2 = c.send([c.alert(200, 'a1', 'a3')]);
    assert.equal(statuses(pkg2, 'Alert')[0]!.Data, 200);
    assert.equal(r.store.getDeviceStore('IMEI:1', 'contacts')!.clientAnchor, 'a1');
  });

  test('suspend (224) and resume (225) continue the suspended mode', () => {
    const r = rig();
    const c = new Client(r);
    c.send([c.alert(201, undefined, 's1')]);
    const sus = c.send([make.alert(224, [make.item({ target: 'Contacts', source: './contacts' })])]);
    assert.equal(statuses(sus, 'Alert')[0]!.Data, 200);
    assert.ok(sus.done);
    c.newSession();
    const res = c.send([c.alert(225, undefined, 's2')]);
    assert.equal(statuses(res, 'Alert')[0]!.Data, 200);
    assert.equal((commands(res, 'Alert') as Alert[])[0]!.Data, 201);
    // Resume from a device with no sync state: nothing to resume, and no anchors either: 508.
    const other = new Client(r, 'IMEI:2');
    const res2 = other.send([other.alert(225, undefined, 'q')]);
    assert.equal(statuses(res2, 'Alert')[0]!.Data, 508);
  });

  test('a second session of the same device and datastore is refused with 417', () => {
    const r = rig();
    const a = new Client(r);
    a.send([a.alert(201, undefined, 'x1')]);
    const b = new Client(r);
    b.session = 77;
    const second = b.send([b.alert(201, undefined, 'y1')]);
    assert.equal(statuses(second, 'Alert')[0]!.Data, 417);
  });

  test('Exec and Search are answered 406; an unknown datastore 404', () => {
    const r = rig();
    const c = new Client(r);
    const reply = c.send([
      { cmd: 'Exec', Item: make.item({ target: './x' }) } as never,
      c.alert(200, undefined, 'n', './nowhere'),
    ]);
    assert.equal(statuses(reply, 'Exec')[0]!.Data, 406);
    assert.equal(statuses(reply, 'Alert')[0]!.Data, 404);
  });

  test('md5: challenged, accepted with the 1.1 digest and the nonce we sent (212 + next nonce)', () => {
    const r = rig();
    const c = new Client(r, 'IMEI:md5', '1.2', 'wbxml', 'md5');
    const first = c.send([c.alert(201, undefined, 'm1')]);
    const hs = statuses(first, 'SyncHdr')[0]!;
    assert.equal(hs.Data, 407);
    const nonce = hs.Chal!.Meta.NextNonce!;
    c.newSession();
    const digest = md5Digest11(md5Secret('test', 'secret'), Buffer.from(nonce, 'base64'));
    const ok = c.send([c.alert(201, undefined, 'm1')], { cred: { Meta: { Type: 'syncml:auth-md5', Format: 'b64' }, Data: digest } });
    const st = statuses(ok, 'SyncHdr')[0]!;
    assert.equal(st.Data, 212);
    assert.ok(st.Chal?.Meta.NextNonce !== undefined && st.Chal.Meta.NextNonce !== nonce, 'a fresh nonce for the next session');
  });

  test('basic with a wrong password: challenged once, then refused; a device that keeps failing is locked out', () => {
    const r = rig();
    const bad = { Meta: { Type: 'syncml:auth-basic', Format: 'b64' }, Data: Buffer.from('test:wrong').toString('base64') };
    const c = new Client(r, 'IMEI:bad', '1.2', 'wbxml', 'basic');
    const one = c.send([c.alert(201, undefined, 'b')], { cred: bad });
    assert.equal(statuses(one, 'SyncHdr')[0]!.Data, 401);
    assert.ok(statuses(one, 'SyncHdr')[0]!.Chal !== undefined);
    const two = c.send([c.alert(201, undefined, 'b')], { cred: bad });
    assert.equal(statuses(two, 'SyncHdr')[0]!.Data, 401);
    assert.ok(two.done);
    c.newSession();
    c.send([c.alert(201, undefined, 'b')], { cred: bad });
    // Three failures lock the device: even the right password is refused now.
    c.newSession();
    const good = { Meta: { Type: 'syncml:auth-basic', Format: 'b64' }, Data: Buffer.from('test:secret').toString('base64') };
    const locked = c.send([c.alert(201, undefined, 'b')], { cred: good });
    assert.equal(statuses(locked, 'SyncHdr')[0]!.Data, 401);
    const ev = locked.events.find((e) => e.type === 'auth');
    assert.ok(ev !== undefined && ev.type === 'auth' && ev.method === 'locked');
  });

  test('a buffered Map from an earlier session is accepted before any Alert of the new one', () => {
    const r = rig();
    const c = new Client(r);
    const rec = r.store.putItem('local', 'contacts', { contentType: 'text/vcard', data: enc.encode(vcard('Mapped Later')), matchKey: null, changedBy: null, now: 1 });
    const reply = c.send([make.mapCmd('./Contacts', './contacts', [[rec.guid, 'LATE-1']])]);
    assert.equal(statuses(reply, 'Map')[0]!.Data, 200);
    assert.equal(r.store.guidForLuid('IMEI:1', 'contacts', 'LATE-1'), rec.guid);
  });

  test('a resent message (same MsgID) gets the same reply and is not applied twice', () => {
    const r = rig();
    const c = new Client(r);
    c.send([c.alert(201, undefined, 'n1')]);
    const sync = make.sync('Contacts', './contacts', [make.add([make.item({ source: '1', data: vcard('Once'), meta: { Type: 'text/vcard' } })])]) as unknown as Sync;
    const first = c.send([sync as never]);
    c.msgId--;
    const again = c.send([sync as never]);
    assert.deepEqual(again.body, first.body);
    assert.equal(r.store.countLive('local', 'contacts'), 1);
  });
});
