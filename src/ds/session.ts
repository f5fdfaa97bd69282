/**
 * One SyncML DS server session (DS Protocol packages 1-6, protocol-notes 3.2-3.11): header and
 * authentication, commands in order (Alert, Put/Get/Results of DevInf, Sync with its items,
 * Map, Atomic, Sequence, Status), and the reply in the client's version and encoding, packed
 * under its MaxMsgSize.
 *
 * `handle()` runs every store effect of one message in one store transaction and returns the
 * reply only after it committed, so each Status acknowledges data already on disk. The anchors
 * and sync state of the session are written in the transaction of the reply that ends it; a
 * session that dies before never advances them. Pure apart from the DsStore port.
 */
import { createHash } from 'node:crypto';
import { BridgeError, SyncmlError } from '../errors.js';
import {
  ALERT, MessageBuilder, make, isDevInfData, type Alert, type Command, type CommandDraft, type DevInf, type Encoding, type Item,
  type MapCommand, type Status, type Sync, type SyncHdr, type SyncMLMessage, type SyncmlVersion,
} from '../syncml/index.js';
import type { DeviceProfile } from '../quirks/index.js';
import { AUTH_BASIC, AUTH_MD5, checkCred, makeChallenge, newNonce } from './auth.js';
import { DatastoreState, type DatastoreCtx } from './datastore.js';
import { deviceFormatFor, maxGuidSize } from './device-format.js';
import { applyClientOp, type ClientOp } from './incoming.js';
import { decideMode, alertOfMode } from './modes.js';
import { applyMap, fillServerSync, onItemStatus } from './outgoing.js';
import { LOCAL_USER, type StoreKind } from './ports.js';
import { serverDevInf } from './server-devinf.js';
import type { EngineEvent, HandleResult, ServerSessionOptions } from './types.js';
import { kindOfName, mergeUriOptions, parseDatastoreUri, type UriOptions } from './uri.js';

/** MaxMsgSize assumed for a client that announces none. */
const DEFAULT_CLIENT_MAX_MSG = 512 * 1024;
/** Our replies never grow past this, whatever the client accepts. */
const MAX_REPLY = 4 * 1024 * 1024;
const UTF8 = new TextEncoder();
const DEVINF_URI: Readonly<Record<SyncmlVersion, string>> = { '1.0': './devinf10', '1.1': './devinf11', '1.2': './devinf12' };
const DEVINF_XML = 'application/vnd.syncml-devinf+xml';

function itemBytes(it: Item): Uint8Array | undefined {
  const d = it.Data;
  if (d === undefined) return undefined;
  if (typeof d === 'string') return UTF8.encode(d);
  if (d instanceof Uint8Array) return d;
  return undefined;
}

function digestOf(d: DevInf): string {
  return createHash('sha1').update(JSON.stringify(d)).digest('hex');
}

interface Reply {
  readonly b: MessageBuilder;
  readonly limit: number;
  readonly msgRef: string;
  /** Statuses (and Results) answering the message, in order; added to the builder at the end. */
  out: CommandDraft[];
}

export class ServerSession {
  readonly key: string;
  readonly #o: ServerSessionOptions;
  #version: SyncmlVersion | undefined;
  #device = '';
  #sessionId = '';
  #serverUri = '';
  #clientMaxMsg = DEFAULT_CLIENT_MAX_MSG;
  #clientMaxObj: number | undefined;
  #user: string | undefined;
  #authFailures = 0;
  #msgId = 0;
  #lastIn: { msgId: string; result: HandleResult } | undefined;
  #devinf: DevInf | undefined;
  #devinfAsked = false;
  #profile: DeviceProfile | undefined;
  #serverOptions: UriOptions = {};
  readonly #ds = new Map<StoreKind, DatastoreState>();
  #events: EngineEvent[] = [];
  #pendingResults: Array<{ msgRef: string; cmdRef: string }> = [];
  #done = false;
  #lastUsed = 0;

  constructor(key: string, opts: ServerSessionOptions) {
    this.key = key;
    this.#o = opts;
  }

  get device(): string {
    return this.#device;
  }

  get sessionId(): string {
    return this.#sessionId;
  }

  get user(): string | undefined {
    return this.#user;
  }

  get done(): boolean {
    return this.#done;
  }

  get lastUsed(): number {
    return this.#lastUsed;
  }

  /** The datastores of the session (for summaries). */
  get datastores(): readonly DatastoreState[] {
    return [...this.#ds.values()];
  }

  /**
   * Handle one client message and return the reply. A message repeating the last one's MsgID
   * (the client resent it after a lost reply) gets the same reply again without running twice.
   */
  handle(msg: SyncMLMessage, encoding: Encoding, now: number): HandleResult {
    this.#lastUsed = now;
    const hdr = msg.SyncHdr;
    if (this.#lastIn !== undefined && this.#lastIn.msgId === hdr.MsgID) return { ...this.#lastIn.result, events: [] };
    if (this.#done) throw new SyncmlError(`session ${this.#sessionId} of ${this.#device} is over`, 'SB_ERR_DS_SESSION_OVER', { syncmlStatus: 400 });
    this.#events = [];
    for (const d of this.#ds.values()) {
      d.ctx.events = this.#events;
      d.ctx.now = now;
    }
    if (this.#version === undefined) this.#begin(hdr);
    this.#o.shared.locks.touch(this.key, now, lockIdleMs(this.#o.config.sessionTimeoutMs));
    let result: HandleResult;
    try {
      result = this.#o.store.transaction(() => this.#run(msg, encoding, now));
    } catch (err) {
      // Nothing of this message was kept (rolled back); the session cannot go on consistently.
      this.#done = true;
      this.#release();
      throw err;
    }
    this.#lastIn = { msgId: hdr.MsgID, result };
    if (result.done) this.#release();
    return result;
  }

  /** End the session without a clean finish (timeout, link lost): nothing of its sync state is kept. */
  abort(reason: string): EngineEvent[] {
    if (this.#done) return [];
    this.#done = true;
    this.#release();
    return [{ type: 'end', ok: false, reason, datastores: [...this.#ds.values()].map((d) => d.summary()) }];
  }

  #release(): void {
    this.#o.shared.locks.releaseAll(this.key);
  }

  #begin(hdr: SyncHdr): void {
    this.#version = hdr.VerDTD;
    this.#device = hdr.Source.LocURI;
    this.#sessionId = hdr.SessionID;
    this.#serverUri = hdr.Target.LocURI;
    this.#serverOptions = parseDatastoreUri(hdr.Target.LocURI).options;
    const m = hdr.Meta;
    if (m?.MaxMsgSize !== undefined && m.MaxMsgSize > 0) this.#clientMaxMsg = m.MaxMsgSize;
    if (m?.MaxObjSize !== undefined && m.MaxObjSize > 0) this.#clientMaxObj = m.MaxObjSize;
    const known = this.#o.store.getDevice(this.#device);
    if (known?.devinf !== undefined && known.devinf !== null) this.#devinf = known.devinf as DevInf;
    this.#matchProfile();
  }

  #matchProfile(): void {
    const p = this.#o.profiles;
    if (p === undefined) return;
    if (this.#o.profileName !== undefined && p.has(this.#o.profileName)) {
      this.#profile = p.resolve(this.#o.profileName);
      return;
    }
    const d = this.#devinf;
    if (d !== undefined) this.#profile = p.match({ devinf: { Man: d.Man ?? '', Mod: d.Mod ?? '', SwV: d.SwV ?? '', FwV: d.FwV ?? '' } });
  }

  #run(msg: SyncMLMessage, encoding: Encoding, now: number): HandleResult {
    const hdr = msg.SyncHdr;
    const version = this.#version!;
    const header = make.syncHdr(version, this.#sessionId, String(++this.#msgId), { LocURI: this.#device }, this.#serverId(), {
      ...(this.#o.respUri === undefined ? {} : { RespURI: this.#o.respUri }),
      Meta: version === '1.0' ? { MaxMsgSize: this.#o.config.maxMsgSize } : { MaxMsgSize: this.#o.config.maxMsgSize, MaxObjSize: this.#o.config.maxObjSize },
    });
    const b = new MessageBuilder(header, encoding);
    const r: Reply = { b, limit: Math.min(this.#clientMaxMsg, MAX_REPLY), msgRef: hdr.MsgID, out: [] };
    const final = msg.SyncBody.Final === true;

    const auth = this.#authenticate(hdr, now);
    b.add(make.headerStatus(hdr, auth.status, auth.chal === undefined ? {} : { Chal: auth.chal }));
    if (!auth.ok) {
      for (const c of msg.SyncBody.commands) if (c.cmd !== 'Status') b.add(make.statusFor(hdr.MsgID, c, auth.status));
      b.setFinal();
      if (auth.terminal) {
        this.#done = true;
        this.#events.push({ type: 'end', ok: false, reason: 'authentication failed', datastores: [] });
      }
      return { reply: b.build(), encoding, done: auth.terminal, events: this.#events };
    }

    const alertedNow: DatastoreState[] = [];
    for (const c of msg.SyncBody.commands) this.#command(r, c, alertedNow, now);
    for (const d of r.out) b.add(d);

    // Our side of package 2: the server Alert of each datastore alerted in this message, DevInf.
    for (const ds of alertedNow) {
      const i = ds.init;
      const meta = make.anchorMeta(i.serverNext, i.serverLast, version === '1.0' ? {} : { MaxObjSize: this.#o.config.maxObjSize });
      b.add(make.alert(i.alerted, [make.item({ target: i.clientUri, source: i.serverUri, meta })]));
    }
    for (const pr of this.#pendingResults) b.add(this.#results(pr.msgRef, pr.cmdRef));
    this.#pendingResults = [];
    if (alertedNow.length > 0 && this.#devinf === undefined && !this.#devinfAsked) {
      this.#devinfAsked = true;
      b.add(make.get([make.item({ target: DEVINF_URI[version] })], { Meta: { Type: DEVINF_XML } }));
    }

    // Mid-way through our package (the client asks for more with Alert 222 in a non-final
    // message): our Final depends on what is left to send, not on the client's flag.
    const continuing = [...this.#ds.values()].some((d) => d.phase === 'server-sync' && d.serverSyncSent);
    if (final) {
      for (const ds of this.#ds.values()) {
        if (ds.phase === 'client-sync' || (ds.phase === 'alerted' && ds.alertMsgId !== hdr.MsgID)) ds.clientPackageDone();
        else if (ds.phase === 'awaiting-map') ds.phase = 'done';
      }
    }
    let allSent = true;
    for (const ds of this.#ds.values()) {
      if (ds.phase !== 'server-sync') continue;
      if (!fillServerSync(ds, b, r.limit, header.MsgID, version !== '1.0')) allSent = false;
    }
    const replyFinal = (final || continuing) && allSent;
    if (replyFinal) {
      b.setFinal();
      for (const ds of this.#ds.values()) {
        if (ds.phase !== 'server-sync') continue;
        ds.phase = ds.awaiting.size > 0 || ds.owedMaps.size > 0 ? 'awaiting-map' : 'done';
      }
    } else if (b.commands.every((c) => c.cmd === 'Status')) {
      // Nothing to say but Statuses in the middle of a package: ask for the next message.
      b.add(make.alert(ALERT.NEXT_MESSAGE, [make.item({ target: this.#device, source: this.#serverUri })]));
    }
    const stores = [...this.#ds.values()];
    const done = replyFinal && (stores.length === 0 ? !this.#expectsMore(msg) : stores.every((d) => d.phase === 'done'));
    if (done) {
      this.#done = true;
      for (const ds of stores) ds.commit();
      const refused = this.#events.some((e) => e.type === 'refused');
      const ok = stores.length > 0 || !refused;
      const reason = !ok ? 'no datastore could be synced' : stores.some((d) => d.suspended) ? 'suspended by the client' : 'sync complete';
      this.#events.push({ type: 'end', ok, reason, datastores: stores.map((d) => d.summary()) });
    }
    return { reply: b.build(), encoding, done, events: this.#events };
  }

  /** A session without datastores ends after its first final exchange, unless we asked for DevInf. */
  #expectsMore(msg: SyncMLMessage): boolean {
    return this.#devinfAsked && !msg.SyncBody.commands.some((c) => c.cmd === 'Results');
  }

  #serverId(): string {
    return this.#serverUri !== '' ? this.#serverUri : this.#o.config.serverId;
  }

  #authenticate(hdr: SyncHdr, now: number): { ok: boolean; status: number; chal?: import('../syncml/index.js').Chal; terminal: boolean } {
    const o = this.#o;
    const store = o.store;
    if (this.#user !== undefined) return { ok: true, status: 200, terminal: false };
    if (o.auth === 'none') {
      this.#user = o.localUser ?? LOCAL_USER;
      this.#events.push({ type: 'auth', ok: true, user: this.#user, method: 'none', status: hdr.Cred === undefined ? 200 : 212 });
      return { ok: true, status: hdr.Cred === undefined ? 200 : 212, terminal: false };
    }
    const lock = o.shared.lockout;
    if (lock.isLocked(this.#device, now)) {
      this.#events.push({ type: 'auth', ok: false, method: 'locked', status: 401, reason: 'device locked out after repeated failures' });
      return { ok: false, status: 401, terminal: true };
    }
    const required = o.auth === 'basic' ? AUTH_BASIC : AUTH_MD5;
    const challenge = (): import('../syncml/index.js').Chal => {
      if (required === AUTH_BASIC) return makeChallenge(AUTH_BASIC, undefined);
      const nonce = newNonce(o.random);
      store.setNonce(this.#device, nonce);
      return makeChallenge(AUTH_MD5, nonce);
    };
    const check = checkCred(
      { cred: hdr.Cred, version: this.#version!, locName: hdr.Source.LocName, nonce: store.getNonce(this.#device) },
      o.auth, (n) => store.getUser(n), o.userNames,
    );
    if (check.ok) {
      if (lock.isLocked(`user:${check.user}`, now)) {
        this.#events.push({ type: 'auth', ok: false, user: check.user, method: check.method, status: 401, reason: 'user locked out after repeated failures' });
        return { ok: false, status: 401, terminal: true };
      }
      this.#user = check.user;
      lock.succeed(this.#device);
      lock.succeed(`user:${check.user}`);
      this.#events.push({ type: 'auth', ok: true, user: check.user, method: check.method, status: 212 });
      // A fresh nonce for the next session (md5).
      const chal = check.method === 'md5' ? challenge() : undefined;
      return chal === undefined ? { ok: true, status: 212, terminal: false } : { ok: true, status: 212, chal, terminal: false };
    }
    if (check.reason !== 'missing' || this.#authFailures > 0) this.#authFailures++;
    const status = check.reason === 'missing' ? 407 : 401;
    const until = check.reason === 'missing' ? undefined : lock.fail(this.#device, now);
    if (until !== undefined) this.#events.push({ type: 'locked-out', key: this.#device, until });
    const terminal = this.#authFailures >= 2 || until !== undefined;
    this.#events.push({ type: 'auth', ok: false, method: check.method ?? 'none', status, reason: check.reason });
    return terminal ? { ok: false, status: 401, terminal } : { ok: false, status, chal: challenge(), terminal };
  }

  #command(r: Reply, c: Command, alertedNow: DatastoreState[], now: number): void {
    const { msgRef } = r;
    const answer = (code: number, extra: Parameters<typeof make.statusFor>[3] = {}): void => {
      if (!('NoResp' in c && c.NoResp === true)) r.out.push(make.statusFor(msgRef, c, code, extra));
    };
    switch (c.cmd) {
      case 'Status': this.#onStatus(c); return;
      case 'Alert': {
        const st = this.#alert(c, msgRef, now);
        if (st.ds !== undefined) alertedNow.push(st.ds);
        if (c.NoResp !== true) r.out.push(st.status);
        return;
      }
      case 'Put': answer(this.#putDevInf(c.Item)); return;
      case 'Get': {
        const wantsDevInf = c.Item.some((it) => (it.Target?.LocURI ?? '').toLowerCase().includes('devinf'));
        answer(wantsDevInf ? 200 : 404);
        if (wantsDevInf) this.#pendingResults.push({ msgRef, cmdRef: c.CmdID });
        return;
      }
      case 'Results': {
        const code = this.#putDevInf(c.Item);
        if (this.#version !== '1.0') r.out.push(make.statusFor(msgRef, c, code));
        return;
      }
      case 'Sync': this.#sync(r, c); return;
      case 'Map': {
        const ds = this.#datastoreOf(c.Target.LocURI, c.Source.LocURI);
        // A buffered Map of an earlier session may name a datastore not alerted in this one.
        const kind = ds?.ctx.kind ?? kindOfName(c.Target.LocURI);
        const code = ds !== undefined ? applyMap(ds.ctx, c, ds.owedMaps)
          : kind === undefined || !this.#o.content.has(kind) ? 404
            : applyMap({ store: this.#o.store, user: this.#user!, device: this.#device, kind }, c);
        r.out.push(make.statusFor(msgRef, c, code));
        return;
      }
      case 'Atomic': case 'Sequence':
        this.#group(r, c, (sub) => this.#command(r, sub as Command, alertedNow, now));
        return;
      case 'Exec': case 'Search':
        answer(406);
        return;
      default:
        // Add/Replace/Delete/Copy/Move outside a Sync: nothing to apply them to.
        answer(405);
    }
  }

  /**
   * Atomic (all or nothing: a failed part rolls the whole group back, 507, the parts that ran
   * 216, those not run 215) or Sequence (in order). The group's Status precedes its parts'.
   */
  #group(r: Reply, c: Command & { commands: readonly unknown[] }, run: (sub: unknown) => void): void {
    const outer = r.out;
    const parts: CommandDraft[] = [];
    r.out = parts;
    let code = 200;
    if (c.cmd === 'Atomic') {
      try {
        this.#o.store.transaction(() => {
          for (const sub of c.commands) {
            run(sub);
            const bad = parts.find((p) => p.cmd === 'Status' && isFailure((p as Status).Data));
            if (bad !== undefined) throw new AtomicFailed();
          }
        });
      } catch (err) {
        if (!(err instanceof AtomicFailed)) throw err;
        code = 507;
        let failedSeen = false;
        for (const p of parts) {
          if (p.cmd !== 'Status') continue;
          const st = p as Status;
          if (!failedSeen && isFailure(st.Data)) failedSeen = true;
          else st.Data = failedSeen ? 215 : 216;
        }
        const answered = new Set(parts.filter((p) => p.cmd === 'Status').map((p) => (p as Status).CmdRef));
        for (const sub of c.commands as Command[]) {
          if (!answered.has(sub.CmdID)) parts.push(make.statusFor(r.msgRef, sub, 215));
        }
      }
    } else {
      for (const sub of c.commands) run(sub);
    }
    r.out = outer;
    if (!('NoResp' in c && c.NoResp === true)) outer.push(make.statusFor(r.msgRef, c, code));
    outer.push(...parts);
  }

  #onStatus(st: Status): void {
    for (const ds of this.#ds.values()) {
      const key = `${st.MsgRef}/${st.CmdRef}`;
      const change = ds.awaiting.get(key);
      if (change === undefined) continue;
      ds.awaiting.delete(key);
      onItemStatus(ds, change, st);
      return;
    }
    if (st.Cmd === 'Alert' && isFailure(st.Data)) {
      // The client refused our Alert for a datastore: that datastore ends here.
      for (const ds of this.#ds.values()) {
        if (st.TargetRef?.includes(ds.init.clientUri) === true || st.SourceRef?.includes(ds.init.serverUri) === true) {
          ds.phase = 'done';
          this.#events.push({ type: 'refused', kind: ds.ctx.kind, status: st.Data, reason: `the client refused the server Alert with ${st.Data}` });
        }
      }
    }
  }

  #alert(c: Alert, msgRef: string, now: number): { status: CommandDraft; ds?: DatastoreState } {
    const code = c.Data ?? 0;
    const it = c.Item?.[0];
    const reply = (status: number, extra: Parameters<typeof make.statusFor>[3] = {}): CommandDraft => make.statusFor(msgRef, c, status, extra);
    switch (code) {
      case ALERT.NEXT_MESSAGE: case ALERT.DISPLAY: case ALERT.RESULT_ALERT:
        return { status: reply(200) };
      case ALERT.NO_END_OF_DATA: {
        for (const ds of this.#ds.values()) ds.chunks.abandon();
        return { status: reply(200) };
      }
      case ALERT.SUSPEND: {
        for (const ds of this.#ds.values()) {
          const i = ds.init;
          this.#o.store.setPending(this.#device, ds.ctx.kind, 'suspended', { mode: i.mode, alerted: i.alerted, requested: i.requested });
          ds.suspended = true;
          ds.phase = 'done';
        }
        this.#events.push({ type: 'refused', status: 224, reason: 'the client suspended the session' });
        return { status: reply(200) };
      }
      default: break;
    }
    if (it === undefined) return { status: reply(400) };
    const target = it.Target?.LocURI ?? '';
    const source = it.Source?.LocURI ?? '';
    // Sony Ericsson C510: empty Target; fall back to the Source URI.
    const serverUri = target.trim() === '' ? source : target;
    const parsed = parseDatastoreUri(serverUri);
    const kind = parsed.kind;
    const handler = kind === undefined ? undefined : this.#o.content.get(kind);
    if (kind === undefined || handler === undefined) {
      this.#events.push({ type: 'refused', status: 404, reason: `no datastore '${serverUri}'` });
      return { status: reply(404) };
    }
    if (this.#ds.has(kind)) return { status: reply(200) };
    const o = this.#o;
    const store = o.store;
    const anchor = it.Meta?.Anchor;
    if (anchor === undefined || anchor.Next === '') return { status: reply(400) };
    if (!o.shared.locks.acquire(this.#device, kind, this.key, now, lockIdleMs(o.config.sessionTimeoutMs))) {
      this.#events.push({ type: 'refused', kind, status: 417, reason: `another session of ${this.#device} is syncing ${kind}` });
      return { status: reply(417) };
    }
    const options = mergeUriOptions(mergeUriOptions(this.#serverOptions, parsed.options), this.#o.hostOptions ?? {});
    if (options.reset === true) {
      store.forgetDeviceStore(this.#device, kind);
      store.clearMaps(this.#device, kind);
    }
    let devStore = store.getDeviceStore(this.#device, kind);
    let requested = code;
    let status200 = 200;
    if (code === ALERT.RESUME) {
      const suspended = store.getPending(this.#device, kind, 'suspended') as { alerted?: number } | undefined;
      if (this.#version !== '1.2') return { status: reply(406) };
      if (suspended?.alerted !== undefined) requested = suspended.alerted;
      else {
        requested = ALERT.TWO_WAY;
        status200 = 509;
      }
    }
    let decision;
    try {
      decision = decideMode({
        requested, ...(options.sync === undefined ? {} : { override: options.sync }),
        anchorsMatch: devStore?.clientAnchor != null && devStore.clientAnchor === anchor.Last, hasServerState: devStore !== undefined,
      });
    } catch (err) {
      o.shared.locks.releaseAll(this.key);
      if (err instanceof BridgeError && err.syncmlStatus !== undefined) return { status: reply(err.syncmlStatus) };
      throw err;
    }
    const mode = decision.mode;
    if (mode === 'refresh-from-server' || mode === 'slow-one-way-from-server' || mode === 'client-reset') store.clearMaps(this.#device, kind);
    if (decision.status === 508 && devStore !== undefined) devStore = { ...devStore, lastRev: 0 };
    const version = this.#version!;
    const profile = this.#profile;
    const dev = deviceFormatFor(this.#devinf, source, kind, profile, options.format);
    const ctx: DatastoreCtx = { store, handler, config: o.config, user: this.#user!, device: this.#device, kind, version, events: this.#events, now };
    const ds = new DatastoreState(ctx, {
      clientUri: source, serverUri, mode, requested: code, alerted: alertOfMode(mode), clientNext: anchor.Next,
      serverLast: devStore?.serverAnchor ?? undefined, serverNext: serverAnchor(store.currentRev(), now),
      lastRev: devStore?.lastRev ?? 0, dev, maxGuidSize: maxGuidSize(this.#devinf, source, kind),
      clientMaxObjSize: it.Meta?.MaxObjSize ?? this.#clientMaxObj, backup: options.backup, devinf: this.#devinf,
    });
    ds.alertMsgId = msgRef;
    this.#ds.set(kind, ds);
    const st = decision.status === 508 ? 508 : status200;
    this.#events.push({ type: 'alert', kind, uri: serverUri, requested: code, mode, status: st, reason: decision.reason });
    if (options.backup !== undefined) this.#events.push({ type: 'backup', kind, name: options.backup === true ? undefined : options.backup });
    return { status: reply(st, { Item: [{ Data: { Anchor: { Next: anchor.Next } } }] }), ds };
  }

  /** The datastore a Sync or Map names (by the URI the client alerted, else by kind). */
  #datastoreOf(target: string, source: string): DatastoreState | undefined {
    for (const ds of this.#ds.values()) if (ds.init.serverUri === target || (target.trim() === '' && ds.init.clientUri === source)) return ds;
    const kind = kindOfName(target) ?? kindOfName(source);
    return kind === undefined ? undefined : this.#ds.get(kind);
  }

  #putDevInf(items: readonly Item[]): number {
    const d = items.map((it) => it.Data).find((x) => x !== undefined && isDevInfData(x)) as DevInf | undefined;
    if (d === undefined) return 415;
    const digest = digestOf(d);
    const known = this.#o.store.getDevice(this.#device);
    const changed = known?.devinfDigest !== digest;
    this.#devinf = d;
    this.#o.store.saveDevice({ id: this.#device, user: this.#user ?? LOCAL_USER, devinf: d, devinfDigest: digest, profile: this.#profile?.name ?? null, lastSeen: Date.now() });
    this.#matchProfile();
    for (const ds of this.#ds.values()) {
      ds.dev = deviceFormatFor(d, ds.init.clientUri, ds.ctx.kind, this.#profile, undefined);
    }
    this.#events.push({ type: 'devinf', ...(d.Man === undefined ? {} : { man: d.Man }), ...(d.Mod === undefined ? {} : { mod: d.Mod }), changed });
    return 200;
  }

  #results(msgRef: string, cmdRef: string): CommandDraft {
    const version = this.#version!;
    const sourceRefs = new Map<StoreKind, string>();
    for (const [k, ds] of this.#ds) sourceRefs.set(k, ds.init.serverUri);
    const c = this.#o.config;
    const devinf = serverDevInf(version, this.#o.content, {
      man: c.man, mod: c.mod, swV: c.swV, devId: this.#serverId(), sourceRefs, ctcap: this.#profile?.ctcap ?? true,
    });
    return make.results(msgRef, cmdRef, [make.item({ source: DEVINF_URI[version], data: devinf })], { Meta: { Type: DEVINF_XML } });
  }

  #sync(r: Reply, c: Sync): void {
    const ds = this.#datastoreOf(c.Target?.LocURI ?? '', c.Source?.LocURI ?? '');
    if (ds === undefined || ds.phase === 'done') {
      if (c.NoResp !== true) r.out.push(make.statusFor(r.msgRef, c, 404));
      for (const sub of c.commands) r.out.push(make.statusFor(r.msgRef, sub, 215));
      return;
    }
    if (ds.phase === 'alerted') ds.phase = 'client-sync';
    if (c.NumberOfChanges !== undefined) ds.announced = c.NumberOfChanges;
    if (c.NoResp !== true) r.out.push(make.statusFor(r.msgRef, c, 200));
    const typeOf = (cmdMeta: string | undefined): string | undefined => cmdMeta ?? c.Meta?.Type;
    const runItems = (sub: import('../syncml/index.js').SyncSubCommand): void => {
      if (sub.cmd === 'Atomic' || sub.cmd === 'Sequence') {
        this.#group(r, sub, (x) => runItems(x as import('../syncml/index.js').SyncSubCommand));
        return;
      }
      for (const it of sub.Item) this.#syncItem(r, ds, sub, it, typeOf(sub.Meta?.Type));
    };
    for (const sub of c.commands) runItems(sub);
    if (ds.acceptsClientChanges()) this.#events.push({ type: 'progress', kind: ds.ctx.kind, direction: 'from-client', done: ds.received, expected: ds.announced ?? null });
  }

  #syncItem(r: Reply, ds: DatastoreState, sub: Exclude<import('../syncml/index.js').SyncSubCommand, { commands: unknown }>, it: Item, cmdType: string | undefined): void {
    const luid = it.Source?.LocURI;
    const refs = { ...(it.Target === undefined ? {} : { TargetRef: [it.Target.LocURI] }), ...(it.Source === undefined ? {} : { SourceRef: [it.Source.LocURI] }) };
    const status = (code: number): void => {
      if (code !== 213) ds.received++;
      if (sub.NoResp !== true) r.out.push(make.status(r.msgRef, sub.CmdID, sub.cmd, code, refs));
    };
    let data = itemBytes(it);
    let type = it.Meta?.Type ?? cmdType;
    if (data !== undefined && sub.cmd !== 'Delete') {
      const key = `${sub.cmd}:${luid ?? it.Target?.LocURI ?? ''}`;
      try {
        const got = ds.chunks.offer(key, data, it.Meta?.Size, it.MoreData === true, type);
        if (got.kind === 'partial') {
          status(213);
          return;
        }
        data = got.data;
        type = got.type;
      } catch (err) {
        if (err instanceof BridgeError && err.syncmlStatus !== undefined) {
          ds.fromClient.failed++;
          status(err.syncmlStatus === 223 ? 412 : err.syncmlStatus);
          return;
        }
        throw err;
      }
      if (data.length > this.#o.config.maxObjSize) {
        ds.fromClient.failed++;
        status(413);
        return;
      }
    }
    const op: ClientOp = { op: sub.cmd, luid, target: it.Target?.LocURI, data, type };
    const res = applyClientOp(ds, op);
    if (isFailure(res.status)) ds.fromClient.failed++;
    const opName = sub.cmd === 'Delete' ? 'delete' : sub.cmd === 'Add' || sub.cmd === 'Copy' ? 'add' : 'replace';
    this.#events.push({ type: 'item', kind: ds.ctx.kind, direction: 'from-client', op: opName, status: res.status, ...(res.label === undefined ? {} : { label: res.label }) });
    status(res.status);
  }
}

class AtomicFailed extends Error {}

function isFailure(code: number): boolean {
  return code >= 300 && code !== 418;
}

/**
 * How long a session holds its datastores without a message. Shorter than the session timeout:
 * a client whose session died (crash, lost reply) starts a new one and is answered 417 (retry
 * later) only until then, while a second session running at the same time is refused.
 */
function lockIdleMs(sessionTimeoutMs: number): number {
  return Math.min(sessionTimeoutMs, 60_000);
}

/** A fresh server anchor: opaque to the client, unique per session (time and store revision). */
function serverAnchor(rev: number, now: number): string {
  const t = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${t}-${rev}`;
}

export type { MapCommand };
