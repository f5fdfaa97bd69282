/**
 * The pass-through relay for one phone session (pure apart from the codec): the phone's message
 * goes upstream as it came (or converted between WBXML and XML), the upstream's reply goes back
 * in the encoding the phone asked for. Along the way it learns the facts of the session outcome
 * line (device, SessionID, messages, items both ways, the end of the session).
 */
import { SyncmlError } from '../errors.js';
import {
  contentTypeOf, decodeMessage, detectEncoding, encodeMessage, encodingOfContentType,
  type Command, type Encoding, type SyncMLMessage,
} from '../syncml/index.js';

/** Options of a pass-through session. */
export interface PassthroughOptions {
  /** Convert what goes upstream to this encoding; undefined keeps the phone's encoding. */
  readonly upstreamEncoding?: Encoding;
}

/** What to POST upstream. `body` is owned by the caller. */
export interface UpstreamMessage {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** The decoded phone message (undefined when it did not decode and no conversion was needed). */
  readonly message: SyncMLMessage | undefined;
}

/** What to serve on the phone's GET. */
export interface PhoneReply {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** The decoded upstream reply, when it decoded. */
  readonly message: SyncMLMessage | undefined;
  /** The reply's SyncHdr RespURI, if any (for the HTTP agent). */
  readonly respUri: string | undefined;
}

/** Facts for the session's outcome line. */
export interface SessionFacts {
  /** SyncHdr Source LocURI of the phone's first message. */
  readonly device: string | undefined;
  readonly sessionId: string | undefined;
  /** Phone messages relayed upstream. */
  readonly messages: number;
  /** Add/Replace/Delete items inside Sync commands, phone to upstream. */
  readonly itemsFromPhone: number;
  /** Add/Replace/Delete items inside Sync commands, upstream to phone. */
  readonly itemsToPhone: number;
  /** True once the upstream sent a final message that holds only Status commands (session over). */
  readonly ended: boolean;
  /** Status code the upstream gave the phone's last SyncHdr, if any. */
  readonly lastHeaderStatus: number | undefined;
}

/** Count Add/Replace/Delete items inside Sync commands (at any nesting). */
export function countSyncItems(commands: readonly Command[], inSync = false): number {
  let n = 0;
  for (const c of commands) {
    if (c.cmd === 'Sync' || c.cmd === 'Atomic' || c.cmd === 'Sequence') n += countSyncItems(c.commands as readonly Command[], inSync || c.cmd === 'Sync');
    else if (inSync && (c.cmd === 'Add' || c.cmd === 'Replace' || c.cmd === 'Delete')) n += c.Item.length;
  }
  return n;
}

/** A phone message decoded once (by the pump, to find its session), or why it did not decode. */
export interface InspectedMessage {
  readonly message: SyncMLMessage | undefined;
  readonly error: unknown;
}

/** Decode a message for inspection; never throws. */
export function inspectMessage(body: Uint8Array, type: string | undefined): InspectedMessage {
  try {
    return { message: decodeMessage(body, type === undefined ? {} : { contentType: type }).message, error: undefined };
  } catch (err) {
    return { message: undefined, error: err };
  }
}

/** True when a message ends the SyncML session: Final, only Status, no 401/407 for the SyncHdr. */
export function endsSession(msg: SyncMLMessage): boolean {
  if (msg.SyncBody.Final !== true) return false;
  for (const c of msg.SyncBody.commands) {
    if (c.cmd !== 'Status') return false;
    if (c.CmdRef === '0' && (c.Data === 401 || c.Data === 407)) return false;
  }
  return true;
}

/** One phone session relayed to one upstream conversation. */
export class PassthroughSession {
  readonly #upstreamEncoding: Encoding | undefined;
  #phoneEncoding: Encoding | undefined;
  #device: string | undefined;
  #sessionId: string | undefined;
  #messages = 0;
  #itemsFromPhone = 0;
  #itemsToPhone = 0;
  #ended = false;
  #lastHeaderStatus: number | undefined;

  constructor(opts: PassthroughOptions = {}) {
    this.#upstreamEncoding = opts.upstreamEncoding;
  }

  /** The session facts so far. */
  get facts(): SessionFacts {
    return {
      device: this.#device, sessionId: this.#sessionId, messages: this.#messages,
      itemsFromPhone: this.#itemsFromPhone, itemsToPhone: this.#itemsToPhone, ended: this.#ended,
      lastHeaderStatus: this.#lastHeaderStatus,
    };
  }

  /**
   * A whole message from the phone (OBEX PUT body and its Type). Returns what to POST.
   * @throws SyncmlError / WbxmlError / XmlError when a conversion is needed and the message does
   *   not decode or encode.
   */
  fromPhone(body: Uint8Array, type: string | undefined, inspected?: InspectedMessage): UpstreamMessage {
    const phoneEnc = detectEncoding(body, type);
    if (phoneEnc !== undefined) this.#phoneEncoding = phoneEnc;
    const target = this.#upstreamEncoding ?? phoneEnc;
    const needsConversion = target !== undefined && phoneEnc !== undefined && target !== phoneEnc;
    const { message, error } = inspected ?? inspectMessage(body, type);
    if (message === undefined && (needsConversion || phoneEnc === undefined)) throw error;
    this.#messages++;
    if (message !== undefined) {
      const hdr = message.SyncHdr;
      this.#device ??= hdr.Source.LocURI;
      this.#sessionId = hdr.SessionID;
      this.#itemsFromPhone += countSyncItems(message.SyncBody.commands);
    }
    if (target === undefined) throw new SyncmlError(`phone message is neither SyncML WBXML nor XML (Type ${JSON.stringify(type ?? '')})`, 'SB_ERR_RELAY_TYPE', { syncmlStatus: 415 });
    if (!needsConversion) {
      // As the phone sent it; a Type with parameters is kept verbatim when it names the encoding.
      const ct = type !== undefined && encodingOfContentType(type) === target ? type : contentTypeOf(target);
      return { body, contentType: ct, message };
    }
    return { body: encodeMessage(message!, target), contentType: contentTypeOf(target), message };
  }

  /**
   * The upstream's reply (HTTP body and Content-Type), converted to the encoding the phone
   * asks for: the Type of its GET, else the encoding of its last PUT. `count` false: the same reply
   * is served again (a resent phone message) and must not count twice in the facts.
   * @throws like fromPhone when a needed conversion fails.
   */
  toPhone(body: Uint8Array, contentType: string, getType?: string, count = true): PhoneReply {
    const upEnc = detectEncoding(body, contentType);
    const wanted = (getType === undefined ? undefined : encodingOfContentType(getType)) ?? this.#phoneEncoding ?? upEnc;
    const needsConversion = wanted !== undefined && upEnc !== undefined && wanted !== upEnc;
    let message: SyncMLMessage | undefined;
    try {
      message = decodeMessage(body, { contentType }).message;
    } catch (err) {
      if (needsConversion) throw err;
    }
    let respUri: string | undefined;
    if (message !== undefined) respUri = message.SyncHdr.RespURI;
    if (message !== undefined && count) {
      this.#itemsToPhone += countSyncItems(message.SyncBody.commands);
      if (endsSession(message)) this.#ended = true;
      for (const c of message.SyncBody.commands) {
        if (c.cmd === 'Status' && c.CmdRef === '0') this.#lastHeaderStatus = c.Data;
      }
    }
    if (!needsConversion) return { body, contentType: wanted === undefined ? contentType : contentTypeOf(wanted), message, respUri };
    return { body: encodeMessage(message!, wanted), contentType: contentTypeOf(wanted), message, respUri };
  }
}
