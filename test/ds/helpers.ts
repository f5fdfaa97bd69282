// A scripted SyncML client for engine tests: builds messages with the model constructors and runs
// them through a SyncEngine on an in-memory store with the real content handlers.
import { createHash } from 'node:crypto';
import { createContentHandlers } from '../../src/ds/content/index.js';
import { Lockout } from '../../src/ds/auth.js';
import { SyncEngine, type EngineReply, type MessageContext } from '../../src/ds/engine.js';
import { MemoryDatastoreLocks } from '../../src/ds/locks.js';
import type { AuthPolicy, EngineConfig, ProfileLookup } from '../../src/ds/types.js';
import { openMemoryStore, type SqliteStore } from '../../src/store/index.js';
import { encodeMessage, make, type Command, type CommandDraft, type Encoding, type Status, type SyncMLMessage, type SyncmlVersion } from '../../src/syncml/index.js';
import { assignCmdIds } from '../../src/syncml/builder.js';

export const CONFIG: EngineConfig = {
  conflictPolicy: 'merge', maxMsgSize: 1024 * 1024, maxObjSize: 1024 * 1024, sessionTimeoutMs: 60_000,
  serverId: 'syncml-bridge', man: 'syncml-bridge', mod: 'test', swV: '0',
};

let seed = 0;
const random = (n: number): Uint8Array => new Uint8Array(createHash('sha256').update(String(seed++)).digest().subarray(0, n));

export interface Rig {
  readonly store: SqliteStore;
  readonly engine: SyncEngine;
}

/** An engine on a fresh in-memory store; `profiles`: device profiles to match DevInfs against. */
export function rig(config: Partial<EngineConfig> = {}, profiles?: ProfileLookup): Rig {
  const store = openMemoryStore();
  store.addUser('test', 'secret');
  const engine = new SyncEngine({
    store, content: createContentHandlers(), config: { ...CONFIG, ...config }, random, ...(profiles === undefined ? {} : { profiles }),
    shared: { locks: new MemoryDatastoreLocks(), lockout: new Lockout({ maxFailures: 3 }) },
    userNames: () => store.listUsers().map((u) => u.name),
  });
  return { store, engine };
}

export function vcard(name: string, tel = '+491234'): string {
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${name};;;;\r\nFN:${name}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`;
}

/** One client (device) talking to the engine. */
export class Client {
  msgId = 0;
  session = 1;
  readonly ctx: MessageContext;
  constructor(readonly r: Rig, readonly device = 'IMEI:1', readonly version: SyncmlVersion = '1.2', readonly encoding: Encoding = 'wbxml', auth: AuthPolicy = 'none', extra: Partial<MessageContext> = {}) {
    this.ctx = { transport: 'obex', link: 'test', auth, ...extra };
  }

  /** Test clock: each new session starts two minutes later (older sessions' locks have lapsed). */
  clock = 1_000_000;

  newSession(): void {
    this.clock += 120_000;
    this.session++;
    this.msgId = 0;
  }

  send(cmds: CommandDraft[], o: { final?: boolean; cred?: import('../../src/syncml/index.js').Cred; target?: string; maxMsgSize?: number } = {}): EngineReply {
    const hdr = make.syncHdr(this.version, String(this.session), String(++this.msgId), o.target ?? 'syncml-bridge', this.device, {
      ...(o.cred === undefined ? {} : { Cred: o.cred }),
      ...(o.maxMsgSize === undefined ? {} : { Meta: { MaxMsgSize: o.maxMsgSize } }),
    });
    const commands: Command[] = [];
    let next = 1;
    for (const d of cmds) {
      const a = assignCmdIds(d, next);
      commands.push(a.cmd);
      next = a.next;
    }
    const msg: SyncMLMessage = { SyncHdr: hdr, SyncBody: o.final === false ? { commands } : { commands, Final: true } };
    return this.r.engine.handle(encodeMessage(msg, this.encoding), this.encoding === 'wbxml' ? 'application/vnd.syncml+wbxml' : 'application/vnd.syncml+xml', this.ctx, this.clock + this.msgId);
  }

  alert(code: number, last: string | undefined, next: string, uri = 'Contacts'): CommandDraft {
    return make.alert(code, [make.item({ target: uri, source: './contacts', meta: make.anchorMeta(next, last) })]);
  }
}

/** The statuses of a reply, by command name. */
export function statuses(r: EngineReply, cmd?: string): Status[] {
  return r.reply.SyncBody.commands.filter((c): c is Status => c.cmd === 'Status' && (cmd === undefined || c.Cmd === cmd));
}

export function commands(r: EngineReply, cmd: string): Command[] {
  const out: Command[] = [];
  const walk = (cs: readonly Command[]): void => {
    for (const c of cs) {
      if (c.cmd === cmd) out.push(c);
      if ('commands' in c) walk(c.commands as Command[]);
    }
  };
  walk(r.reply.SyncBody.commands);
  return out;
}
