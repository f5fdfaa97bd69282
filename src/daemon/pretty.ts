/**
 * A small synchronous pretty-printer for pino's JSON lines, for humans at a terminal:
 * `HH:MM:SS.mmm LEVEL [device session datastore] message key=value ...`. (pino-pretty's
 * transport runs in a worker thread and may lose the last lines on a quick exit; this
 * does not.)
 */
import { Transform, type TransformCallback } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const CONTEXT = ['device', 'link', 'session', 'datastore'];
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', ...CONTEXT]);

export class PrettyTransform extends Transform {
  #partial = '';

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const lines = (this.#partial + chunk.toString()).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) if (line !== '') this.push(formatLine(line) + '\n');
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#partial !== '') this.push(formatLine(this.#partial) + '\n');
    done();
  }
}

/** Format one pino JSON line; a line that is not JSON passes through unchanged. */
export function formatLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '';
  const level = LEVELS[rec.level as number] ?? String(rec.level);
  const ctx = CONTEXT.filter((k) => rec[k] !== undefined).map((k) => `${k}=${String(rec[k])}`).join(' ');
  const extras: string[] = [];
  let block = '';
  for (const [k, v] of Object.entries(rec)) {
    if (SKIP.has(k)) continue;
    if (typeof v === 'string' && v.includes('\n')) block += `\n${v}`;
    else extras.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return `${time} ${level}${ctx === '' ? '' : ` [${ctx}]`} ${String(rec.msg ?? '')}${extras.length > 0 ? ' ' + extras.join(' ') : ''}${block}`;
}
