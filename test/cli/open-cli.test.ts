// `urpc open` (the REPL) through a real pty: util-linux `script` gives it a terminal, so readline
// runs in terminal mode (tab completion, history keys, logs printed above the prompt).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureNative } from '../e2e/helpers.ts';
import { NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import { fileAppears, urpcAsync } from './subprocess.ts';
import { STEP_MS, ptyRepl, within } from './repl-cli-pty.ts';

describe('urpc open (REPL through a pty)', function () {
  // Each step has its own deadline (repl-cli-pty.ts), which fails with the screen; this one only
  // bounds the whole.
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-open-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists functions, calls with tab completion and history, shows device logs live, makes tensors', async () => {
    const hist = path.join(dir, 'history');
    const r = ptyRepl(['native'], { URPC_HISTORY: hist });
    const waitFor = async (re: RegExp, what: string): Promise<void> => { await r.until(re, what); };
    const type = (s: string): void => { r.type(s); };
    try {
      await waitFor(/connected to native: 11 functions[\s\S]*urpc> /, 'prompt');
      type('functions\r');
      await waitFor(/urpc\.sum \(tensor a\) -> int/, 'function list');
      type('urpc.ec'); // Tab completes urpc.echo (keys one at a time: readline completes only typed tabs, not pasted ones)
      await waitFor(/urpc> urpc\.ec$/, 'the typed text'); // echoed: readline has the keys
      type('\t');
      await waitFor(/urpc> urpc\.echo$/, 'completion');
      type(' 7 "x y"\r');
      await waitFor(/urpc\.echo 7 "x y"\n7 "x y" {3}\(\d+\.\d+ ms\)/, 'echo via tab completion');
      type('\x1b[A\r'); // Up arrow: the same line again
      await waitFor(/(7 "x y" {3}\(\d+\.\d+ ms\)[\s\S]*){2}/, 'history recall');
      type('log 4 2\r');
      await waitFor(/device: urpc\.log 4 2/, 'a live device log');
      type('let a = int32 [5,6,7]\r');
      await waitFor(/a: int32 \[3\]/, 'tensor');
      type('sum $a\r');
      await waitFor(/\n18 {3}\(/, 'sum of the tensor');
      type('show a\r');
      await waitFor(/\[5, 6, 7\]/, 'tensor contents');
      type('nosuch\r');
      await waitFor(/error: native: the device has no function 'nosuch'/, 'error line');
      type('quit\r');
      assert.equal(await r.exited(), 0);
      assert.match(fs.readFileSync(hist, 'utf8'), /^functions\nurpc\.echo 7 "x y"\nurpc\.echo 7 "x y"\nlog 4 2\n/);
    } finally {
      r.kill();
    }
  });

  it('a serial device that goes away: the prompt stays, the next command reconnects', async () => {
    const tty = path.join(dir, 'tty');
    const board = (): ReturnType<typeof spawn> => spawn('socat', [`PTY,link=${tty},rawer,echo=0`, `EXEC:${NATIVE_FIRMWARE}`], { stdio: 'ignore' });
    const linked = (): Promise<void> => within(fileAppears(tty), STEP_MS, () => `socat made no ${tty} within ${STEP_MS / 1000} s`);
    let dev = board();
    await linked();
    // Killed with its whole tree in the end (kill()): SIGKILLing `script` alone left the REPL
    // running on a failure.
    const r = ptyRepl([`serial:${tty}`], { URPC_HISTORY: '/dev/null' });
    const waitFor = async (re: RegExp, what: string): Promise<void> => { await r.until(re, what); };
    try {
      await waitFor(/urpc> $/, 'prompt');
      r.type('echo 11\r');
      await waitFor(/\n11 {3}\(/, 'first echo');
      const gone = new Promise((r) => dev.on('close', r));
      dev.kill('SIGTERM'); // the board goes away (socat removes the link)
      await within(gone, STEP_MS, () => `socat did not end within ${STEP_MS / 1000} s of SIGTERM`);
      await waitFor(/link lost: serial:\S+: (the device went away|port closed)[^\n]*; the next command reconnects/, 'link lost');
      dev = board();
      await linked();
      r.type('echo 22\r');
      // The device's 'session established' log line may come before the reply: allow lines between.
      await waitFor(/reconnected to serial:\S+\n(?:[^\n]*\n)*22 {3}\(/, 'reconnect and echo');
      r.type('quit\r');
      assert.equal(await r.exited(), 0);
    } finally {
      r.kill();
      dev.kill('SIGKILL');
    }
  });

  it('exit 2 with the reason when the session cannot open', async () => {
    const r = await urpcAsync(['open', 'tcp:127.0.0.1:9']);
    assert.equal(r.code, 2);
    assert.match(r.err, /urpc open: tcp:127\.0\.0\.1:9: nothing is listening there/);
  });
});
