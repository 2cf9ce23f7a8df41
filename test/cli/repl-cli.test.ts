// The REPL's keys and housekeeping (issue 14 item 6), through a real pty (util-linux `script`):
// Ctrl-C clears the line or abandons a pending call and keeps the session; Ctrl-D leaves; `info`
// asks the device again; the history file stays bounded; tensors are named $name in messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNative } from '../e2e/helpers.ts';
import { HISTORY_LINES, appendHistory } from '../../host/cli/repl-history.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));
const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** `urpc open native` in a pty; `until` resolves when the screen matches (on the data event). */
function repl(hist: string): { type: (s: string) => void; until: (re: RegExp, what: string) => Promise<void>; screen: () => string; closed: Promise<number | null>; kill: () => void } {
  // detached: its own process group, so kill() ends script and the REPL under it together (a
  // SIGKILL of script alone left the REPL running on a pty nobody reads).
  const p = spawn('script', ['-qfec', `${process.execPath} ${URPC} open native`, '/dev/null'], { env: { ...process.env, URPC_HISTORY: hist, TERM: 'xterm' }, detached: true });
  let out = '';
  const waiters = new Set<() => void>();
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); for (const w of [...waiters]) w(); });
  const closed = new Promise<number | null>((resolve) => p.on('close', (code) => { for (const w of [...waiters]) w(); resolve(code); }));
  let ended = false;
  void closed.then(() => { ended = true; });
  return {
    type: (s) => { p.stdin.write(s); },
    screen: () => strip(out),
    // No deadline of its own: mocha's timeout bounds the wait (the machine may be slow).
    until: (re, what) => new Promise((resolve, reject) => {
      const check = (): void => {
        if (re.test(strip(out))) { waiters.delete(check); resolve(); } else if (ended) { waiters.delete(check); reject(new Error(`the REPL ended before ${what}; screen:\n${strip(out)}`)); }
      };
      waiters.add(check);
      check();
    }),
    closed,
    kill: () => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* already gone */ } },
  };
}

describe('urpc open: keys and housekeeping (pty)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-repl-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Ctrl-C clears a half-typed line; Ctrl-C abandons a pending call and the session goes on; info asks again; $name in messages; Ctrl-D leaves', async () => {
    const r = repl(path.join(dir, 'h1'));
    try {
      await r.until(/connected to native: \d+ functions[\s\S]*urpc> /, 'the prompt');
      r.type('info\r');
      await r.until(/mem_free=(\d+)/, 'info');
      const free0 = Number(/mem_free=(\d+)/.exec(r.screen())![1]);
      r.type('echo 12');
      await r.until(/urpc> echo 12$/, 'the typed text');
      r.type('\x03');
      r.type('echo 5\r');
      await r.until(/\n5 {3}\(/, 'the echo of the second line alone');
      assert.doesNotMatch(r.screen(), /echo 12echo 5|\n12 /);
      r.type('sleep 6000\r');
      await r.until(/urpc> sleep 6000\n/, 'the call sent');
      // A Ctrl-C that reaches the REPL before it has started the call only clears the empty line
      // (seen once in CI: the test then waited for 'abandoned' until mocha's timeout); press it
      // again, a bounded number of times, until the call is abandoned.
      for (let i = 0; i < 20 && !/abandoned/.test(r.screen()); i++) {
        r.type('\x03');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await r.until(/abandoned/, 'the abandoned call');
      r.type('let a = int32 [1,2,3]\r');
      await r.until(/a: int32 \[3\]/, 'a tensor after the abandoned call');
      r.type('info\r');
      await r.until(new RegExp(`mem_free=(?!${free0}\\n)\\d+`), 'info with the new free memory');
      r.type('echo $a\r');
      await r.until(/\$a {3}\(/, 'the tensor named $a');
      r.type('\x04'); // Ctrl-D on an empty line
      assert.equal(await r.closed, 0, r.screen());
    } finally {
      r.kill();
    }
  });

  it('the history file keeps the last commands only', () => {
    const f = path.join(dir, 'h2');
    fs.writeFileSync(f, Array.from({ length: 2 * HISTORY_LINES }, (_, i) => `echo ${i}`).join('\n') + '\n');
    appendHistory(f, 'info');
    const lines = fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, HISTORY_LINES);
    assert.equal(lines.at(-1), 'info');
    assert.equal(lines[0], `echo ${HISTORY_LINES + 1}`);
  });
});
