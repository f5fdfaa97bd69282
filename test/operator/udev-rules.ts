// A small model of udev's rules language (udev(7)): enough to check the syntax of a rules file and
// to run its rules against sample devices. Debian 12's udev (252) has no `udevadm verify` and
// `udevadm test` needs the real device in sysfs, so the tests use this instead.
//
// Covered: comments, `KEY{attr}OP"value"` pairs separated by commas, the operators, which keys take
// an attribute and which operators each key allows; matching with `|` alternatives and shell globs
// (`*`, `?`, `[...]`), ENV/ACTION/SUBSYSTEM/KERNEL on the device, SUBSYSTEMS/KERNELS/DRIVERS/ATTRS
// on the device or one of its parents (all on the same one, as udev requires), GOTO/LABEL, and the
// assignments GROUP, MODE, OWNER, ENV (`=`, `+=` appends with a space), TAG (`+=`, `-=`, `=`) with
// the `%k` substitution. Not covered: PROGRAM, RUN, IMPORT, TEST, ATTR/SYSCTL writes, line joins.

export type Operator = '==' | '!=' | '=' | '+=' | '-=' | ':=';

export interface RulePair {
  readonly key: string;
  readonly attr: string | undefined;
  readonly op: Operator;
  readonly value: string;
}

export interface Rule {
  readonly line: number;
  readonly pairs: readonly RulePair[];
}

const MATCH: readonly Operator[] = ['==', '!='];
const ASSIGN: readonly Operator[] = ['=', '+=', '-=', ':='];
const ANY: readonly Operator[] = [...MATCH, ...ASSIGN];

/** Per key: the operators udev accepts and whether `{attr}` is required, optional or forbidden. */
const KEYS: Readonly<Record<string, { readonly ops: readonly Operator[]; readonly attr: 'required' | 'optional' | 'none' }>> = {
  ACTION: { ops: MATCH, attr: 'none' },
  DEVPATH: { ops: MATCH, attr: 'none' },
  KERNEL: { ops: MATCH, attr: 'none' },
  KERNELS: { ops: MATCH, attr: 'none' },
  SUBSYSTEM: { ops: MATCH, attr: 'none' },
  SUBSYSTEMS: { ops: MATCH, attr: 'none' },
  DRIVER: { ops: MATCH, attr: 'none' },
  DRIVERS: { ops: MATCH, attr: 'none' },
  ATTRS: { ops: MATCH, attr: 'required' },
  TAGS: { ops: MATCH, attr: 'none' },
  CONST: { ops: MATCH, attr: 'required' },
  RESULT: { ops: MATCH, attr: 'none' },
  TEST: { ops: MATCH, attr: 'optional' },
  PROGRAM: { ops: MATCH, attr: 'none' },
  NAME: { ops: ANY, attr: 'none' },
  SYMLINK: { ops: ANY, attr: 'none' },
  ATTR: { ops: ['==', '!=', '=', ':='], attr: 'required' },
  SYSCTL: { ops: ['==', '!=', '=', ':='], attr: 'required' },
  ENV: { ops: ANY, attr: 'required' },
  TAG: { ops: ANY, attr: 'none' },
  OWNER: { ops: ['=', ':='], attr: 'none' },
  GROUP: { ops: ['=', ':='], attr: 'none' },
  MODE: { ops: ['=', ':='], attr: 'none' },
  SECLABEL: { ops: ['=', '+=', ':='], attr: 'required' },
  RUN: { ops: ['=', '+=', '-=', ':='], attr: 'optional' },
  IMPORT: { ops: MATCH.concat(['=']), attr: 'required' },
  OPTIONS: { ops: ['=', '+=', ':='], attr: 'none' },
  LABEL: { ops: ['='], attr: 'none' },
  GOTO: { ops: ['='], attr: 'none' },
};

const PAIR = /^([A-Z_]+)(?:\{([^{}"]+)\})?(==|!=|\+=|-=|:=|=)"((?:[^"\\]|\\.)*)"/;

/** Parse a rules file. Throws an Error naming the line for anything udev would reject or ignore. */
export function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  const labels = new Set<string>();
  const gotos: { label: string; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    if (raw.endsWith('\\')) throw new Error(`line ${line}: line continuation not expected here`);
    const pairs: RulePair[] = [];
    let rest = s;
    for (;;) {
      const m = PAIR.exec(rest);
      if (m === null) throw new Error(`line ${line}: expected KEY{attr}OP"value" at '${rest}'`);
      const [all, key, attr, op, value] = m as unknown as [string, string, string | undefined, Operator, string];
      const spec = KEYS[key];
      if (spec === undefined) throw new Error(`line ${line}: unknown key ${key}`);
      if (!spec.ops.includes(op)) throw new Error(`line ${line}: ${key} does not take ${op}`);
      if (spec.attr === 'required' && attr === undefined) throw new Error(`line ${line}: ${key} needs {attribute}`);
      if (spec.attr === 'none' && attr !== undefined) throw new Error(`line ${line}: ${key} takes no {attribute}`);
      pairs.push({ key, attr, op, value });
      if (key === 'LABEL') labels.add(value);
      if (key === 'GOTO') gotos.push({ label: value, line });
      rest = rest.slice(all.length);
      if (rest === '') break;
      const sep = /^,\s+/.exec(rest);
      if (sep === null) throw new Error(`line ${line}: expected ', ' between pairs at '${rest}'`);
      rest = rest.slice(sep[0].length);
    }
    rules.push({ line, pairs });
  });
  for (const g of gotos) {
    const after = rules.some((r) => r.line > g.line && r.pairs.some((p) => p.key === 'LABEL' && p.value === g.label));
    if (!labels.has(g.label) || !after) throw new Error(`line ${g.line}: GOTO "${g.label}" has no LABEL after it`);
  }
  return rules;
}

/** A device as udev sees it: its own properties, and its parents from the nearest up. */
export interface SampleDevice {
  readonly action: 'add' | 'change' | 'remove' | 'bind';
  readonly subsystem: string;
  readonly kernel: string;
  readonly driver?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
  readonly parents?: readonly { subsystem: string; kernel: string; driver?: string; attrs?: Readonly<Record<string, string>> }[];
}

export interface RuleResult {
  readonly env: Record<string, string>;
  readonly tags: Set<string>;
  readonly symlinks: string[];
  owner?: string;
  group?: string;
  mode?: string;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new Error(`unclosed [ in '${glob}'`);
      re += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** udev's value match: any `|` alternative, each a shell glob. */
export function matchValue(pattern: string, value: string): boolean {
  return pattern.split('|').some((alt) => globToRegExp(alt).test(value));
}

function substitute(value: string, dev: SampleDevice): string {
  return value.replace(/%k|\$kernel/g, dev.kernel).replace(/%%/g, '%');
}

/** Run the rules over one device event, as udevd would (for the keys this model covers). */
export function applyRules(rules: readonly Rule[], dev: SampleDevice): RuleResult {
  const result: RuleResult = { env: { ...dev.env }, tags: new Set(dev.tags ?? []), symlinks: [] };
  const chain = [{ subsystem: dev.subsystem, kernel: dev.kernel, driver: dev.driver, attrs: dev.attrs }, ...(dev.parents ?? [])];
  let skipTo: string | undefined;
  for (const rule of rules) {
    if (skipTo !== undefined) {
      if (rule.pairs.some((p) => p.key === 'LABEL' && p.value === skipTo)) skipTo = undefined;
      continue;
    }
    const test = (p: RulePair, actual: string | undefined): boolean => (p.op === '==') === matchValue(p.value, actual ?? '');
    const matchOwn = (p: RulePair): boolean | undefined => {
      switch (p.key) {
        case 'ACTION': return test(p, dev.action);
        case 'SUBSYSTEM': return test(p, dev.subsystem);
        case 'KERNEL': return test(p, dev.kernel);
        case 'DRIVER': return test(p, dev.driver);
        case 'ENV': return MATCH.includes(p.op) ? test(p, result.env[p.attr!]) : undefined;
        case 'TAG': return MATCH.includes(p.op) ? test(p, [...result.tags].find((t) => matchValue(p.value, t))) : undefined;
        default: return undefined;
      }
    };
    const ownOk = rule.pairs.every((p) => matchOwn(p) ?? true);
    const parentKeys = rule.pairs.filter((p) => ['SUBSYSTEMS', 'KERNELS', 'DRIVERS', 'ATTRS'].includes(p.key));
    const parentOk = parentKeys.length === 0 || chain.some((d) => parentKeys.every((p) => {
      const actual = p.key === 'SUBSYSTEMS' ? d.subsystem : p.key === 'KERNELS' ? d.kernel : p.key === 'DRIVERS' ? d.driver : d.attrs?.[p.attr!];
      if (p.key === 'ATTRS' && actual === undefined) return false; // a missing attribute never matches
      return test(p, actual);
    }));
    if (!ownOk || !parentOk) continue;
    for (const p of rule.pairs) {
      if (!ASSIGN.includes(p.op)) continue;
      const v = substitute(p.value, dev);
      switch (p.key) {
        case 'ENV': {
          const old = result.env[p.attr!];
          result.env[p.attr!] = p.op === '+=' && old !== undefined && old !== '' ? `${old} ${v}` : v;
          break;
        }
        case 'TAG':
          if (p.op === '=') result.tags.clear();
          if (p.op === '-=') result.tags.delete(v);
          else result.tags.add(v);
          break;
        case 'SYMLINK':
          if (p.op === '=') result.symlinks.splice(0);
          if (p.op === '-=') result.symlinks.splice(0, result.symlinks.length, ...result.symlinks.filter((l) => l !== v));
          else result.symlinks.push(...v.split(' ').filter((l) => l !== ''));
          break;
        case 'OWNER': result.owner = v; break;
        case 'GROUP': result.group = v; break;
        case 'MODE': result.mode = v; break;
        case 'GOTO': skipTo = v; break;
        case 'LABEL': break;
        default: throw new Error(`line ${rule.line}: the model does not cover ${p.key}${p.op}`);
      }
    }
  }
  return result;
}
