// The REPL's keys and housekeeping (issue 14 item 6), through a real pty (util-linux `script`):
// Ctrl-C clears the line or abandons a pending call and keeps the session; Ctrl-D leaves; `info`
// asks the device again; the history file stays bounded; tensors are named $name in messages.
// And its end when its terminal goes away (a pty whose other side is killed).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNative } from '../e2e/helpers.ts';
import { HISTORY_LINES, appendHistory } from '../../host/cli/repl-history.ts';
import { procStat, running, waitFor } from './processes.ts';
import { STEP_MS, descendants, ptyRepl, strip, within } from './repl-cli-pty.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

describe('urpc open: keys and housekeeping (pty)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-repl-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Ctrl-C clears a half-typed line; Ctrl-C abandons a pending call and the session goes on; info asks again; $name in messages; Ctrl-D leaves', async () => {
    // A call deadline far beyond the sleep: the call is still pending when Ctrl-C comes, however
    // slow the machine (with the 5 s default a 6 s sleep ends in a timeout error).
    const r = ptyRepl(['native', '--timeout', '120000'], { URPC_HISTORY: path.join(dir, 'h1') });
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
      r.type('sleep 8000\r');
      await r.until(/urpc> sleep 8000\n/, 'the call sent');
      r.type('\x03'); // once: the line is pending from its Return on, started or not
      await r.until(/abandoned/, 'the abandoned call');
      r.type('let a = int32 [1,2,3]\r');
      await r.until(/a: int32 \[3\]/, 'a tensor after the abandoned call');
      r.type('info\r');
      await r.until(new RegExp(`mem_free=(?!${free0}\\n)\\d+`), 'info with the new free memory');
      r.type('echo $a\r');
      await r.until(/\$a {3}\(/, 'the tensor named $a');
      r.type('\x04'); // Ctrl-D on an empty line
      assert.equal(await r.exited(), 0, r.screen());
    } finally {
      r.kill();
    }
  });

  it('one Ctrl-C also abandons the lines typed ahead behind a pending call: they never run', async () => {
    const r = ptyRepl(['native', '--timeout', '120000'], { URPC_HISTORY: '/dev/null' });
    try {
      await r.until(/urpc> $/, 'the prompt');
      r.type('sleep 8000\r');
      await r.until(/urpc> sleep 8000\n/, 'the call sent');
      r.type('echo 9\r'); // accepted (echoed) while the sleep runs; waits behind it
      await r.until(/sleep 8000\necho 9\n/, 'the line typed ahead');
      r.type('\x03');
      await r.until(/\^C: call abandoned/, 'the abandoned call');
      await r.until(/\^C: 'echo 9' abandoned before it started/, 'the line typed ahead abandoned');
      r.type('echo 5\r');
      await r.until(/\n5 {3}\(/, 'the next call');
      assert.doesNotMatch(r.screen(), /\n9 {3}\(/, 'echo 9 ran');
      r.type('quit\r');
      assert.equal(await r.exited(), 0, r.screen());
    } finally {
      r.kill();
    }
  });

  it('the pty harness: a step that never comes fails with the screen; kill() ends script, the REPL and its device process', async () => {
    const r = ptyRepl(['native'], { URPC_HISTORY: '/dev/null' });
    try {
      await r.until(/urpc> $/, 'the prompt');
      await assert.rejects(r.until(/never shown/, 'a line never shown', 1000), /^Error: a line never shown: not on the screen within 1 s; screen:\nconnected to native[^\n]*\nurpc> $/);
      const tree = descendants(r.pid);
      assert.ok(tree.some((pid) => procStat(pid)?.comm === 'node'), 'the REPL under script');
      r.kill();
      await r.exited();
      assert.ok(await waitFor(() => tree.every((pid) => !running(pid)), STEP_MS), `left running: ${tree.filter(running).map((pid) => `${pid} ${procStat(pid)?.comm}`).join(', ')}`);
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

describe('urpc open: its terminal goes away (pty)', function () {
  this.timeout(300_000);
  before(() => ensureNative());

  // socat gives the REPL a pty and forwards it to us; the REPL's stderr stays a pipe to us, so
  // its last words can be read after the pty is gone. SIGKILLing socat closes the pty's master:
  // the REPL sees SIGHUP when the pty is its controlling terminal (ctty), else EIO or the end of
  // its input. It must then close its session and exit, not die half-way or run on.
  for (const { ctty, pending } of [{ ctty: true, pending: false }, { ctty: false, pending: true }]) {
    it(`the pty's other side is killed (${ctty ? 'controlling terminal: SIGHUP' : 'not the controlling terminal: EIO / end of input'}${pending ? ', a call pending' : ''}): the REPL closes the session and exits`, async () => {
      const cmd = `${process.execPath} ${URPC} open native --timeout 120000`;
      const p = spawn('socat', ['-', `EXEC:${cmd},pty${ctty ? ',setsid,ctty' : ''}`], { env: { ...process.env, TERM: 'xterm', URPC_HISTORY: '/dev/null' } });
      let screen = '';
      let err = '';
      const seen = (re: RegExp, what: string): Promise<void> => within(new Promise<void>((resolve) => {
        const check = (): void => { if (re.test(strip(screen))) { p.stdout.off('data', check); resolve(); } };
        p.stdout.on('data', check);
        check();
      }), STEP_MS, () => `${what}: not on the screen within ${STEP_MS / 1000} s; screen:\n${strip(screen)}\nstderr:\n${err}`);
      p.stdout.on('data', (b: Buffer) => { screen += b.toString(); });
      p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      // The REPL holds this pipe (its stderr) until it exits: its end is the REPL's end.
      const errClosed = new Promise<void>((resolve) => p.stderr.on('close', () => resolve()));
      let tree: number[] = [];
      const comms = new Map<number, string | undefined>();
      try {
        await seen(/urpc> /, 'the prompt');
        if (pending) {
          p.stdin.write('sleep 60000\r');
          await seen(/sleep 60000\n/, 'the call sent');
        }
        tree = descendants(p.pid!); // the REPL and the device process under it
        for (const pid of tree) comms.set(pid, procStat(pid)?.comm);
        const repl = tree.find((pid) => procStat(pid)?.comm === 'node');
        assert.ok(repl !== undefined, `no REPL under socat: ${tree.map((pid) => procStat(pid)?.comm).join(', ')}`);
        p.kill('SIGKILL');
        await within(errClosed, STEP_MS, () => `the REPL still runs ${STEP_MS / 1000} s after its terminal went away (state ${procStat(repl)?.state}); stderr:\n${err}`);
        assert.match(err, /urpc open: [^\n]+; the session is closed\n/);
        assert.doesNotMatch(err, /Assertion failed|Unhandled 'error'|EIO\n\s+at /);
        // The device process is not ours to wait for: its end is seen in /proc.
        assert.ok(await waitFor(() => tree.every((pid) => !running(pid)), STEP_MS), `left running: ${tree.filter(running).map((pid) => `${pid} ${procStat(pid)?.comm}`).join(', ')}`);
      } finally {
        p.kill('SIGKILL');
        // Only what still runs under the name it had (a pid freed by now may be someone else's).
        for (const [pid, comm] of comms) {
          if (running(pid) && procStat(pid)?.comm === comm) process.kill(pid, 'SIGKILL');
        }
      }
    });
  }
});
