/**
 * Process measurements for the benchmarks, read from /proc (Linux only): CPU time (utime +
 * stime, optionally plus the reaped children's cutime + cstime), the kernel's peak-RSS mark
 * (VmHWM, resettable with clear_refs), and the peers' `rss-sampler.py` for processes that
 * come and go during a phase (SyncEvolution's per-session helper).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds of a process so far; with `children`, plus those of its children it has waited for. */
export function cpuSeconds(pid: number, children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // f[0] is the state field (3rd of stat); utime, stime, cutime, cstime are fields 14-17.
  const own = f[11]! + f[12]!;
  return (children ? own + f[13]! + f[14]! : own) / TICK;
}

/** Reset the process's VmHWM to its current RSS (`echo 5 > clear_refs`); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Per-label result of rss-sampler.py: peak RSS in kB, CPU seconds (see the sampler's header). */
export type SamplerResult = Record<string, { hwm_kb: number; cpu_s: number; pids: number[] } | undefined>;

export interface Sampler {
  stop(): Promise<SamplerResult>;
}

/**
 * Start `rss-sampler.py` from the peers directory on explicit PIDs (label -> pid) and, with
 * `comm`, on every process whose comm starts with `comm.prefix` below `comm.parent`.
 */
export async function startSampler(peers: string, out: string, pids: Readonly<Record<string, number>>,
  comm?: { prefix: string; label: string; parent: number }): Promise<Sampler> {
  const args = [join(peers, 'rss-sampler.py'), out, ...Object.entries(pids).map(([label, pid]) => `${pid}=${label}`)];
  if (comm !== undefined) args.push('--comm', `${comm.prefix}=${comm.label}`, '--parent', String(comm.parent));
  const child = spawn('/usr/bin/python3', args, { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise((r) => setTimeout(r, 300)); // its first sample is taken
  return {
    async stop(): Promise<SamplerResult> {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`rss-sampler.py exited with ${String(code)}`);
      return JSON.parse(readFileSync(out, 'utf8')) as SamplerResult;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
