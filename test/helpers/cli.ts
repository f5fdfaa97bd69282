// Run the real `syncml-bridge` executable (bin/ -> dist/, built by `npm test` before the tests).
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = resolve(ROOT, 'bin/syncml-bridge.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Run the CLI to completion with optional standard input. */
export function runBin(args: readonly string[], input?: Uint8Array | string, cwd: string = ROOT): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input: input ?? '', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Run a program, resolve with its output (never rejects: check `code`). */
export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(cmd, [...args], { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1;
      resolveRun({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

/** Start the CLI as a long-running child. */
export function startBin(args: readonly string[], cwd: string = ROOT): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd });
}

/** Resolve with stdout so far once it contains `needle` (rejects if the child exits first). */
export function waitForOutput(child: ChildProcessWithoutNullStreams, needle: string): Promise<string> {
  return new Promise((resolveOut, reject) => {
    let out = '';
    let err = '';
    const onData = (b: Buffer): void => {
      out += b.toString();
      if (out.includes(needle)) {
        child.stdout.off('data', onData);
        resolveOut(out);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before '${needle}': ${out}${err}`)));
  });
}
