// Shared text/directory line helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldLine, parseContentLine, unfold } from '../../src/formats/mime-dir.js';

test('unfold: 3.0 drops one space, 2.1 keeps it, QP continues without indent', () => {
  assert.deepEqual(unfold('BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:ab\r\n cd\r\nEND:VCARD\r\n'), ['BEGIN:VCARD', 'VERSION:3.0', 'NOTE:abcd', 'END:VCARD']);
  assert.deepEqual(unfold('BEGIN:VCARD\nVERSION:2.1\nNOTE:ab\n cd\nEND:VCARD'), ['BEGIN:VCARD', 'VERSION:2.1', 'NOTE:ab cd', 'END:VCARD']);
  assert.deepEqual(unfold('NOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nb=\r\n c\r\nX:1'), ['NOTE;ENCODING=QUOTED-PRINTABLE:ab c', 'X:1']);
  assert.deepEqual(unfold('NOTE;QUOTED-PRINTABLE:a==0A=0D=\r\nb'), ['NOTE;QUOTED-PRINTABLE:ab']);
  assert.deepEqual(unfold('NOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nEND:VCARD'), ['NOTE;ENCODING=QUOTED-PRINTABLE:a=', 'END:VCARD']);
  assert.deepEqual(unfold('PHOTO;ENCODING=BASE64:\r\nAAAA\r\nBBBB\r\n\r\nX:1'), ['PHOTO;ENCODING=BASE64:AAAABBBB', 'X:1']);
});

test('parseContentLine: group, lower-case name, bare and quoted params', () => {
  const line = parseContentLine('home.tel;cell;TYPE="a,b";X-Y=1,2:+1:2');
  assert.equal(line.group, 'home');
  assert.equal(line.name, 'TEL');
  assert.deepEqual(line.params, [{ name: 'TYPE', values: ['CELL'], bare: true }, { name: 'TYPE', values: ['a,b'] }, { name: 'X-Y', values: ['1', '2'] }]);
  assert.equal(line.value, '+1:2');
  assert.throws(() => parseContentLine('no colon'), { code: 'SB_ERR_FORMAT_LINE' });
  assert.throws(() => parseContentLine('BAD NAME:x'), { code: 'SB_ERR_FORMAT_LINE' });
});

test('foldLine: CRLF + space, no line over the limit, no split surrogate pair', () => {
  const line = `NOTE:${'😀'.repeat(100)}`;
  const folded = foldLine(line, 75);
  for (const part of folded.split('\r\n')) assert.ok(part.length <= 75);
  assert.equal(folded.split('\r\n').map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line);
  assert.doesNotMatch(folded, /[\ud800-\udbff]\r\n/);
});

test('foldLine counts UTF-8 octets (RFC 5545: 75 octets), never splits a character', () => {
  const line = `SUMMARY:${'é'.repeat(60)}${'😀'.repeat(10)}`;
  const folded = foldLine(line);
  for (const phys of folded.split('\r\n')) assert.ok(new TextEncoder().encode(phys).length <= 75, phys);
  assert.equal(folded.replace(/\r\n /g, ''), line);
  assert.ok(!folded.includes('\ufffd'));
});
