// A pseudo-terminal pair from socat: two tty paths wired back to back, in a private temp dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The bridge's end (open it with serialport, as a real /dev/ttyACM0). */
  readonly a: string;
  /** The phone's end (the fake modem). */
  readonly b: string;
  readonly dir: string;
  /** Kill socat and remove the temp dir; safe to call twice. */
  close(): Promise<void>;
}

/** Fail (never skip) when socat is missing. */
export function requireSocat(): void {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) throw new Error('socat is missing: install the Debian package socat');
}

/**
 * Start `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and wait until both links exist.
 * @param inDir put the links in this directory (the pair's `close` removes it) instead of a new one
 */
export async function createPtyPair(inDir?: string): Promise<PtyPair> {
  requireSocat();
  const dir = inDir ?? mkdtempSync(join(tmpdir(), 'sb-pty-'));
  const a = join(dir, 'bridge');
  const b = join(dir, 'phone');
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Wait for both links (5 s safety net), polling; socat creates them right after it starts.
  for (let i = 0; i < 250 && !(existsSync(a) && existsSync(b)); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!(existsSync(a) && existsSync(b))) {
    await close();
    throw new Error(`socat did not create the pty pair: ${stderr.trim()}`);
  }
  return { a, b, dir, close };
}
