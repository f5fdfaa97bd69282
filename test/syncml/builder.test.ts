/**
 * MessageBuilder: CmdID assignment, constructors, and the exactness of its incremental size
 * against a full encode, across many random messages in both encodings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALERT, MessageBuilder, STATUS, decodeMessage, encodeMessage, make, type Command, type CommandDraft, type SyncmlVersion,
} from '../../src/syncml/index.js';
import { arbCommand, arbHdr } from './arbitraries.js';
import { arbDevInf } from './devinf-arbitraries.js';

const { add, alert, anchorMeta, headerStatus, item, mapCmd, statusFor, sync, syncHdr } = make;

/** Drop CmdIDs at every depth, so the builder assigns them. */
function draftOf(c: Command): CommandDraft {
  const { CmdID: _id, ...rest } = c;
  if ('commands' in c) return { ...rest, commands: c.commands.map(draftOf) } as CommandDraft;
  return rest as CommandDraft;
}

test('CmdIDs are assigned 1, 2, ... in document order, nested commands included', () => {
  const b = new MessageBuilder(syncHdr('1.2', '7', '3', 'phone', 'server'), 'xml');
  b.add(alert(ALERT.TWO_WAY, [item({ target: './contacts', source: 'contacts', meta: anchorMeta('2', '1') })]));
  const s = b.add(sync('./contacts', 'contacts', [
    add([item({ source: 'g1', data: 'BEGIN:VCARD\r\nEND:VCARD\r\n', meta: { Type: 'text/x-vcard' } })]),
    add([item({ source: 'g2', data: 'x' })]),
  ], { NumberOfChanges: 2 }));
  b.add(mapCmd('./contacts', 'contacts', [['g1', 'l1']]));
  const ids = (c: Command): string[] => [c.CmdID, ...('commands' in c ? c.commands.flatMap(ids) : [])];
  assert.deepEqual(b.build().SyncBody.commands.flatMap(ids), ['1', '2', '3', '4', '5']);
  assert.equal(s.cmd, 'Sync');
  assert.equal(b.nextCmdId, '6');
  const back = decodeMessage(encodeMessage(b.setFinal().build(), 'wbxml')).message;
  assert.deepStrictEqual(back, b.build());
});

test('status constructors reference the command they answer', () => {
  const hdr = syncHdr('1.1', '1', '4', 'server', 'IMEI:1');
  const hs = headerStatus(hdr, STATUS.AUTHENTICATION_ACCEPTED);
  assert.deepEqual({ ...hs }, { cmd: 'Status', MsgRef: '4', CmdRef: '0', Cmd: 'SyncHdr', Data: 212, TargetRef: ['server'], SourceRef: ['IMEI:1'] });
  const a: Command = { cmd: 'Add', CmdID: '9', Item: [{ Source: { LocURI: '12' } }] };
  assert.deepEqual({ ...statusFor('4', a, STATUS.ITEM_ADDED) }, { cmd: 'Status', MsgRef: '4', CmdRef: '9', Cmd: 'Add', Data: 201, SourceRef: ['12'] });
});

test('addItemStatus: per item, or one Status per command and code with every item reference (perItemStatus false)', () => {
  const st = (cmdRef: string, code: number, src: string): ReturnType<typeof make.status> => make.status('2', cmdRef, 'Add', code, { SourceRef: [src] });
  const perItem: CommandDraft[] = [];
  for (const s of [st('4', 201, 'a'), st('4', 201, 'b')]) make.addItemStatus(perItem, s, true);
  assert.equal(perItem.length, 2);
  const grouped: CommandDraft[] = [];
  for (const s of [st('4', 201, 'a'), st('4', 201, 'b'), st('4', 415, 'c'), st('4', 201, 'd'), st('5', 201, 'e')]) make.addItemStatus(grouped, s, false);
  assert.deepEqual(grouped.map((c) => [(c as { CmdRef: string }).CmdRef, (c as { Data: number }).Data, (c as { SourceRef?: string[] }).SourceRef]), [
    ['4', 201, ['a', 'b']], ['4', 415, ['c']], ['4', 201, ['d']], ['5', 201, ['e']],
  ]);
  // Several SourceRefs survive both encodings.
  const b = new MessageBuilder(syncHdr('1.1', '1', '3', 'phone', 'server'), 'wbxml');
  b.add(grouped[0]!);
  const back = decodeMessage(encodeMessage(b.build(), 'wbxml')).message.SyncBody.commands[0];
  assert.deepEqual(back?.cmd === 'Status' ? back.SourceRef : undefined, ['a', 'b']);
});

test('explicit CmdIDs are kept', () => {
  const b = new MessageBuilder(syncHdr('1.2', '1', '1', 't', 's'), 'wbxml');
  const c = b.add({ cmd: 'Alert', CmdID: '42', Data: 222 });
  assert.equal(c.CmdID, '42');
  assert.equal(b.nextCmdId, '1');
});

for (const enc of ['wbxml', 'xml'] as const) {
  for (const version of ['1.0', '1.1', '1.2'] as SyncmlVersion[]) {
    test(`builder size is exact (${enc}, SyncML ${version})`, () => {
      const o = { version, binary: enc === 'wbxml', devinf: arbDevInf };
      const arb = fc.tuple(arbHdr(o), fc.array(arbCommand(o), { maxLength: 6 }), fc.boolean(), fc.boolean());
      let checked = 0;
      fc.assert(fc.property(arb, ([hdr, cmds, final, strip]) => {
        const b = new MessageBuilder(hdr, enc);
        if (final) b.setFinal();
        assert.equal(b.size, encodeMessage(b.build(), enc).length, 'empty message');
        for (const c of cmds) {
          const d = strip ? draftOf(c) : c;
          const predicted = b.sizeWith(d);
          const withFinal = b.sizeWithFinal(d);
          b.add(d);
          const actual = encodeMessage(b.build(), enc).length;
          assert.equal(b.size, actual, 'size after add');
          assert.equal(predicted, actual, 'sizeWith before add');
          assert.equal(withFinal, encodeMessage({ ...b.build(), SyncBody: { ...b.build().SyncBody, Final: true } }, enc).length);
          assert.equal(b.fits(d, actual), b.sizeWith(d) <= actual);
          checked++;
        }
      }), { seed: 42, numRuns: 120 });
      assert.ok(checked > 100, `only ${checked} adds checked`);
    });
  }
}

test('packing under a MaxMsgSize: every message fits, and the next command would not', () => {
  const card = (i: number): string => `BEGIN:VCARD\r\nVERSION:2.1\r\nN:Person ${i};Test\r\nTEL;CELL:+4912345${i}\r\nEND:VCARD\r\n`;
  for (const enc of ['wbxml', 'xml'] as const) {
    const limit = 1500;
    let pending = Array.from({ length: 60 }, (_, i) => add([item({ source: String(i), data: card(i), meta: { Type: 'text/x-vcard' } })]));
    let messages = 0;
    while (pending.length > 0) {
      const b = new MessageBuilder(syncHdr('1.1', '9', String(++messages), 'phone', 'server', { Meta: { MaxMsgSize: limit } }), enc);
      let next = pending[0];
      while (next !== undefined && b.fits(next, limit)) {
        b.add(next);
        pending = pending.slice(1);
        next = pending[0];
      }
      assert.ok(b.commands.length > 0, 'one command always fits');
      const bytes = encodeMessage(b.build(), enc);
      assert.ok(bytes.length <= limit, `${enc} message ${messages}: ${bytes.length} > ${limit}`);
      if (next !== undefined) assert.ok(encodeMessage({ ...b.build(), SyncBody: { commands: [...b.build().SyncBody.commands, { ...next, CmdID: b.nextCmdId } as Command] } }, enc).length > limit);
    }
    assert.ok(messages > 3, `${enc}: ${messages} messages`);
  }
});
