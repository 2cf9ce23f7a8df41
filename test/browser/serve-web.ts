// `urpc serve <uri> --web` as a user runs it, for the browser tests: a subprocess, its page URL,
// its stderr, and its firmware process (a child of it) for restarting the device.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

export interface WebServe {
  p: ChildProcess;
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** ws://127.0.0.1:PORT/ws */
  ws: string;
  err: () => string;
}

export async function startServeWeb(args: string[]): Promise<WebServe> {
  const p = spawn(process.execPath, [URPC, 'serve', ...args, '--web'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const t0 = Date.now();
  while (!out.includes('\n')) {
    if (p.exitCode !== null || Date.now() - t0 > 30_000) {
      p.kill('SIGKILL');
      throw new Error(`urpc serve --web did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /^serving \S+ on (http:\/\/\S+\/) \(WebSocket (ws:\/\/\S+\/ws)/.exec(out);
  if (m === null) {
    p.kill('SIGKILL');
    throw new Error(`unexpected first line from urpc serve --web: ${out}`);
  }
  return { p, url: m[1]!, ws: m[2]!, err: () => err };
}

export async function stopServe(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null) return p.exitCode;
  const closed = new Promise<number | null>((r) => p.once('close', (c) => r(c)));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
  const code = await closed;
  clearTimeout(t);
  return code;
}

/** The pids of the firmware processes `pid` started (the serve's device: build/.../firmware). */
export function firmwareOf(pid: number): number[] {
  let kids: number[];
  try {
    kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter((s) => s !== '').map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
  return kids.filter((k) => {
    try {
      return /\/firmware$/.test(fs.readlinkSync(`/proc/${k}/exe`));
    } catch {
      return false; // gone meanwhile
    }
  });
}

export async function waitUntil(what: string, f: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
