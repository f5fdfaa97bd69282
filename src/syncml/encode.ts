/**
 * Typed SyncML message -> tree, every element in its namespace (`syncml`, Meta children
 * `metinf`, DevInf `devinf`) and in the order the RepPro DTD requires. Inverse of decode.ts:
 * `messageFromTree(messageToTree(m))` deep-equals `m` for every valid model.
 */
import { el, type XDocument, type XElement } from '../util/tree.js';
import {
  chalToTree, credToTree, flagEl, itemToTree, leafEl, metaToTree, sourceToTree, targetToTree,
} from './encode-parts.js';
import type { Command, Cred, Item, Meta, SyncBody, SyncHdr, SyncMLMessage } from './model.js';

/** Encode a whole message as a SyncML document tree (language = SyncHdr VerDTD). */
export function messageToTree(msg: SyncMLMessage): XDocument {
  return {
    language: { kind: 'syncml', version: msg.SyncHdr.VerDTD },
    root: el('SyncML', 'syncml', [syncHdrToTree(msg.SyncHdr), syncBodyToTree(msg.SyncBody)]),
  };
}

/** `SyncHdr (VerDTD, VerProto, SessionID, MsgID, Target, Source, RespURI?, NoResp?, Cred?, Meta?)`. */
export function syncHdrToTree(h: SyncHdr): XElement {
  const k: XElement[] = [
    leafEl('VerDTD', h.VerDTD), leafEl('VerProto', h.VerProto), leafEl('SessionID', h.SessionID),
    leafEl('MsgID', h.MsgID), targetToTree(h.Target), sourceToTree(h.Source),
  ];
  if (h.RespURI !== undefined) k.push(leafEl('RespURI', h.RespURI));
  if (h.NoResp === true) k.push(flagEl('NoResp'));
  if (h.Cred !== undefined) k.push(credToTree(h.Cred));
  if (h.Meta !== undefined) k.push(metaToTree(h.Meta));
  return el('SyncHdr', 'syncml', k);
}

/** `SyncBody (commands, Final?)`. */
export function syncBodyToTree(b: SyncBody): XElement {
  const k = b.commands.map(commandToTree);
  if (b.Final === true) k.push(flagEl('Final'));
  return el('SyncBody', 'syncml', k);
}

function pushCredMeta(k: XElement[], c: { Cred?: Cred; Meta?: Meta }): void {
  if (c.Cred !== undefined) k.push(credToTree(c.Cred));
  if (c.Meta !== undefined) k.push(metaToTree(c.Meta));
}

function pushItems(k: XElement[], items: readonly Item[] | undefined): void {
  if (items !== undefined) for (const it of items) k.push(itemToTree(it));
}

function pushRefs(k: XElement[], c: { TargetRef?: string[]; SourceRef?: string[] }): void {
  if (c.TargetRef !== undefined) for (const r of c.TargetRef) k.push(leafEl('TargetRef', r));
  if (c.SourceRef !== undefined) for (const r of c.SourceRef) k.push(leafEl('SourceRef', r));
}

/** Encode one command (children in DTD order). */
export function commandToTree(c: Command): XElement {
  const k: XElement[] = [];
  if (c.cmd !== 'Status' || c.CmdID !== '') k.push(leafEl('CmdID', c.CmdID));
  switch (c.cmd) {
    case 'Add': case 'Copy': case 'Replace': case 'Move':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      pushCredMeta(k, c);
      pushItems(k, c.Item);
      break;
    case 'Delete':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.Archive === true) k.push(flagEl('Archive'));
      if (c.SftDel === true) k.push(flagEl('SftDel'));
      pushCredMeta(k, c);
      pushItems(k, c.Item);
      break;
    case 'Alert':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.Cred !== undefined) k.push(credToTree(c.Cred));
      if (c.Data !== undefined) k.push(leafEl('Data', String(c.Data)));
      if (c.Correlator !== undefined) k.push(leafEl('Correlator', c.Correlator));
      pushItems(k, c.Item);
      break;
    case 'Atomic': case 'Sequence':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.Meta !== undefined) k.push(metaToTree(c.Meta));
      for (const s of c.commands) k.push(commandToTree(s));
      break;
    case 'Exec':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      pushCredMeta(k, c);
      if (c.Correlator !== undefined) k.push(leafEl('Correlator', c.Correlator));
      k.push(itemToTree(c.Item));
      break;
    case 'Get': case 'Put':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.Lang !== undefined) k.push(leafEl('Lang', c.Lang));
      pushCredMeta(k, c);
      pushItems(k, c.Item);
      break;
    case 'Map':
      k.push(targetToTree(c.Target), sourceToTree(c.Source));
      pushCredMeta(k, c);
      for (const m of c.MapItem) k.push(el('MapItem', 'syncml', [targetToTree(m.Target), sourceToTree(m.Source)]));
      break;
    case 'Results':
      if (c.MsgRef !== undefined) k.push(leafEl('MsgRef', c.MsgRef));
      k.push(leafEl('CmdRef', c.CmdRef));
      if (c.Meta !== undefined) k.push(metaToTree(c.Meta));
      pushRefs(k, c);
      pushItems(k, c.Item);
      break;
    case 'Search':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.NoResults === true) k.push(flagEl('NoResults'));
      if (c.Cred !== undefined) k.push(credToTree(c.Cred));
      if (c.Target !== undefined) k.push(targetToTree(c.Target));
      for (const s of c.Source) k.push(sourceToTree(s));
      if (c.Lang !== undefined) k.push(leafEl('Lang', c.Lang));
      k.push(metaToTree(c.Meta), leafEl('Data', c.Data));
      break;
    case 'Status':
      k.push(leafEl('MsgRef', c.MsgRef), leafEl('CmdRef', c.CmdRef), leafEl('Cmd', c.Cmd));
      pushRefs(k, c);
      if (c.Cred !== undefined) k.push(credToTree(c.Cred));
      if (c.Chal !== undefined) k.push(chalToTree(c.Chal));
      k.push(leafEl('Data', String(c.Data)));
      pushItems(k, c.Item);
      break;
    case 'Sync':
      if (c.NoResp === true) k.push(flagEl('NoResp'));
      if (c.Cred !== undefined) k.push(credToTree(c.Cred));
      if (c.Target !== undefined) k.push(targetToTree(c.Target));
      if (c.Source !== undefined) k.push(sourceToTree(c.Source));
      if (c.Meta !== undefined) k.push(metaToTree(c.Meta));
      if (c.NumberOfChanges !== undefined) k.push(leafEl('NumberOfChanges', String(c.NumberOfChanges)));
      for (const s of c.commands) k.push(commandToTree(s));
      break;
  }
  return el(c.cmd, 'syncml', k);
}
