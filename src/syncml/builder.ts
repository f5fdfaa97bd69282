/**
 * MessageBuilder: assembles one outgoing SyncML message, assigns CmdIDs (1, 2, ... in document
 * order, nested commands included) and knows the exact encoded size of the message built so far
 * without re-encoding it: each command is measured once with wbxmlElementSize / xmlElementSize
 * and the fixed part (header, SyncBody, Final, closing tokens) once per builder. The DS engine
 * uses `fits(cmd, maxMsgSize)` to pack a package under the peer's MaxMsgSize.
 */
import { childElements, type Language, type XElement } from '../util/tree.js';
import { wbxmlElementSize } from '../wbxml/index.js';
import { xmlElementSize } from '../xml/index.js';
import { encodeMessage, type Encoding } from './codec.js';
import { commandToTree } from './encode.js';
import type { Command, SyncHdr, SyncMLMessage } from './model.js';

/** A command without CmdIDs (at any depth); CmdIDs given explicitly are kept as they are. */
export type Draft<C extends Command> = C extends { commands: Array<infer S> }
  ? Omit<C, 'CmdID' | 'commands'> & { CmdID?: string; commands: Array<Draft<S & Command>> }
  : Omit<C, 'CmdID'> & { CmdID?: string };

/** Any command draft. */
export type CommandDraft = Draft<Command>;

interface Measured {
  readonly cmd: Command;
  readonly size: number;
  readonly endsOnMetinf: boolean;
  readonly nextId: number;
}

/**
 * Give every command in `draft` without a CmdID the next number from `first`, parent before its
 * nested commands. Returns the command and the next free number.
 */
export function assignCmdIds(draft: CommandDraft, first: number): { cmd: Command; next: number } {
  let next = first;
  const walk = (d: CommandDraft): Command => {
    const id = d.CmdID ?? String(next++);
    if ('commands' in d) {
      const kids = d.commands.map((s) => walk(s as CommandDraft));
      return { ...d, CmdID: id, commands: kids } as Command;
    }
    return { ...d, CmdID: id } as Command;
  };
  const cmd = walk(draft);
  return { cmd, next };
}

/**
 * True when the last tag of `e` (document order, not counting embedded DevInf, which WBXML
 * carries as OPAQUE) is a MetInf tag: the WBXML encoder then leaves code page 1 selected and only
 * switches back before the next SyncML tag.
 */
function endsOnMetinf(e: XElement): boolean {
  const kids = childElements(e).filter((c) => c.ns !== 'devinf');
  const last = kids[kids.length - 1];
  if (last === undefined) return e.ns === 'metinf';
  return endsOnMetinf(last);
}

/**
 * Builds one message; see the module comment. A draft is measured once and the result cached
 * for add(): do not mutate a draft between sizeWith()/fits() and add(). build() may be called
 * any number of times; each call returns a new message object sharing the command objects.
 */
export class MessageBuilder {
  /** Encoding the sizes are exact for. */
  readonly encoding: Encoding;
  readonly #hdr: SyncHdr;
  readonly #language: Language;
  readonly #cmds: Command[] = [];
  #sum = 0;
  #lastEndsOnMetinf = false;
  #final = false;
  #nextId = 1;
  #base: { final: number; empty: number; nonEmpty: number } | undefined;
  #memo = new WeakMap<object, Measured>();

  /** @param hdr the SyncHdr of the message (not copied; do not mutate it afterwards). */
  constructor(hdr: SyncHdr, encoding: Encoding) {
    this.#hdr = hdr;
    this.encoding = encoding;
    this.#language = { kind: 'syncml', version: hdr.VerDTD };
  }

  /** The header given to the constructor. */
  get header(): SyncHdr {
    return this.#hdr;
  }

  /** Commands added so far. */
  get commands(): readonly Command[] {
    return this.#cmds;
  }

  /** The CmdID the next added command will get. */
  get nextCmdId(): string {
    return String(this.#nextId);
  }

  /** Whether the message ends its package (`<Final/>`). */
  get isFinal(): boolean {
    return this.#final;
  }

  /** Mark (or unmark) the message as the last of its package. */
  setFinal(final = true): this {
    this.#final = final;
    return this;
  }

  /** Exact byte length of `encodeMessage(this.build(), this.encoding)` if built now. */
  get size(): number {
    return this.#total(this.#cmds.length, this.#sum, this.#lastEndsOnMetinf, this.#final);
  }

  /** Size of the message if `draft` were added now (CmdIDs assigned as add() would). */
  sizeWith(draft: CommandDraft): number {
    const m = this.#measure(draft);
    return this.#total(this.#cmds.length + 1, this.#sum + m.size, m.endsOnMetinf, this.#final);
  }

  /** Size of the message with Final set, if `draft` were added now. */
  sizeWithFinal(draft: CommandDraft): number {
    const m = this.#measure(draft);
    return this.#total(this.#cmds.length + 1, this.#sum + m.size, m.endsOnMetinf, true);
  }

  /** True when the message with `draft` added stays within `limit` bytes. */
  fits(draft: CommandDraft, limit: number): boolean {
    return this.sizeWith(draft) <= limit;
  }

  /** Encoded size of `draft` alone as a SyncBody child. */
  commandSize(draft: CommandDraft): number {
    return this.#measure(draft).size;
  }

  /** Add a command; returns it with its CmdIDs assigned. */
  add(draft: CommandDraft): Command {
    const m = this.#measure(draft);
    this.#memo.delete(draft);
    this.#cmds.push(m.cmd);
    this.#sum += m.size;
    this.#lastEndsOnMetinf = m.endsOnMetinf;
    this.#nextId = m.nextId;
    return m.cmd;
  }

  /** The message built so far (commands as given, not adapted to the encoding). */
  build(): SyncMLMessage {
    const body = this.#final ? { commands: [...this.#cmds], Final: true as const } : { commands: [...this.#cmds] };
    return { SyncHdr: this.#hdr, SyncBody: body };
  }

  #measure(draft: CommandDraft): Measured {
    const hit = this.#memo.get(draft);
    if (hit !== undefined && hit.cmd.CmdID === (draft.CmdID ?? String(this.#nextId))) return hit;
    const { cmd, next } = assignCmdIds(draft, this.#nextId);
    const tree = commandToTree(cmd);
    const size = this.#elementSize(tree);
    const m: Measured = { cmd, size, endsOnMetinf: this.encoding === 'wbxml' && endsOnMetinf(tree), nextId: next };
    this.#memo.set(draft, m);
    return m;
  }

  #elementSize(e: XElement): number {
    return this.encoding === 'wbxml' ? wbxmlElementSize(e, this.#language) : xmlElementSize(e, 'syncml', this.#language);
  }

  #total(count: number, sum: number, lastEndsOnMetinf: boolean, final: boolean): number {
    const base = this.#bases();
    if (final) return base.final + sum;
    if (count === 0) return base.empty;
    // wbxmlElementSize counts a trailing SWITCH_PAGE to page 0 that the encoder only writes
    // before a following SyncML tag: none follows the last command when there is no Final.
    return base.nonEmpty + sum - (lastEndsOnMetinf ? 2 : 0);
  }

  #bases(): { final: number; empty: number; nonEmpty: number } {
    if (this.#base !== undefined) return this.#base;
    const hdr = this.#hdr;
    const enc = (commands: Command[], final: boolean): number =>
      encodeMessage({ SyncHdr: hdr, SyncBody: final ? { commands, Final: true } : { commands } }, this.encoding).length;
    const probe: Command = { cmd: 'Status', CmdID: '1', MsgRef: '1', CmdRef: '0', Cmd: 'SyncHdr', Data: 200 };
    this.#base = {
      final: enc([], true),
      empty: enc([], false),
      nonEmpty: enc([probe], false) - this.#elementSize(commandToTree(probe)),
    };
    return this.#base;
  }
}
