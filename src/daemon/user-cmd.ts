/**
 * `syncml-bridge user add NAME [--password-stdin] | user list | user remove NAME` (DESIGN.md
 * section 5). Works while `serve` runs on the same data directory (WAL, busy timeout).
 *
 * The password of `user add` comes from the first line of standard input with --password-stdin;
 * without it, on a terminal, it is asked twice without echo; otherwise the command refuses
 * (exit 2), so a script never hangs on a prompt.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BridgeError, ConfigError } from '../errors.js';
import { LOCAL_USER, openStore, userNameProblem, type SqliteStore } from '../store/index.js';
import { STORE_KINDS } from '../ds/ports.js';

export interface UserCmdIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Open the store of `--data-dir` (relative to the working directory). */
export function openDataDir(dataDir: string): SqliteStore {
  return openStore(resolve(process.cwd(), dataDir));
}

function checkName(name: string): void {
  const problem = userNameProblem(name);
  if (problem !== undefined) throw new ConfigError(`NAME '${name}': ${problem}`, 'SB_ERR_CONFIG_VALUE');
}

/** The first line of `input`, without its line end. */
export function firstLine(input: string): string {
  const end = input.search(/\r?\n/);
  return end < 0 ? input : input.slice(0, end);
}

/**
 * Read a line from the terminal on standard input without echo (raw mode); the prompt goes to
 * `out`. Backspace edits; Ctrl-C or Ctrl-D on an empty line cancels.
 */
export function promptHidden(prompt: string, out: NodeJS.WritableStream): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolvePw, reject) => {
    let buf = '';
    const finish = (err: Error | undefined): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      if (err === undefined) resolvePw(buf);
      else reject(err);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(undefined);
        if (ch === '\u0003' || (ch === '\u0004' && buf === '')) return finish(new BridgeError('cancelled', 'SB_ERR_CANCELLED'));
        if (ch === '\u007f' || ch === '\b') buf = [...buf].slice(0, -1).join('');
        else if (ch >= ' ') buf += ch;
      }
    };
    // Echo off before the prompt: whoever types as soon as it shows must not be echoed.
    stdin.setRawMode(true);
    out.write(prompt);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The new user's password, from standard input or the terminal. */
async function readNewPassword(passwordStdin: boolean, io: UserCmdIo): Promise<string> {
  let password: string;
  if (passwordStdin) {
    password = firstLine(readFileSync(0, 'utf8'));
  } else if (process.stdin.isTTY) {
    password = await promptHidden('Password: ', io.stderr);
    if (password !== '') {
      const again = await promptHidden('Password (again): ', io.stderr);
      if (again !== password) throw new ConfigError('the passwords do not match', 'SB_ERR_CONFIG_VALUE');
    }
  } else {
    throw new ConfigError('standard input is not a terminal: use --password-stdin', 'SB_ERR_CONFIG_VALUE');
  }
  if (password === '') throw new ConfigError('the password cannot be empty', 'SB_ERR_CONFIG_VALUE');
  return password;
}

/** `user add NAME`: prints "added user NAME". */
export async function userAdd(name: string, opts: { dataDir: string; passwordStdin?: boolean }, io: UserCmdIo): Promise<void> {
  checkName(name);
  const password = await readNewPassword(opts.passwordStdin === true, io);
  const store = openDataDir(opts.dataDir);
  try {
    store.addUser(name, password);
  } finally {
    store.close();
  }
  io.stdout.write(`added user ${name}\n`);
}

/** `user list`: one line per user: name, devices, live items per datastore, created. */
export function userList(opts: { dataDir: string }, io: UserCmdIo): void {
  const store = openDataDir(opts.dataDir);
  let users;
  try {
    users = store.listUsers();
  } finally {
    store.close();
  }
  const width = Math.max(4, ...users.map((u) => u.name.length));
  for (const u of users) {
    const items = STORE_KINDS.map((k) => `${k} ${u.items[k]}`).join(', ');
    const total = STORE_KINDS.reduce((n, k) => n + u.items[k], 0);
    io.stdout.write(`${u.name.padEnd(width)}  devices ${u.devices}  items ${total} (${items})  created ${new Date(u.createdAt).toISOString()}\n`);
  }
}

/** `user remove NAME`: the user with its items, devices, anchors and maps. */
export function userRemove(name: string, opts: { dataDir: string }, io: UserCmdIo): void {
  const store = openDataDir(opts.dataDir);
  try {
    if (name === LOCAL_USER) throw new ConfigError(`NAME '${name}': the user for local links without authentication cannot be removed`, 'SB_ERR_CONFIG_VALUE');
    if (!store.hasUser(name)) throw new ConfigError(`NAME: no user '${name}'`, 'SB_ERR_CONFIG_VALUE');
    store.removeUser(name);
  } finally {
    store.close();
  }
  io.stdout.write(`removed user ${name}\n`);
}
