// The command table (host/cli/commands.ts) against the modules it loads, and the lazy loading
// itself: a real `urpc` subprocess, with a loader hook that records every module it imports.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { Command, Help } from 'commander';
import { COMMAND_MODULES, commandNamed } from '../../host/cli/commands.ts';
import { REPO } from '../../host/repo.ts';

const HOOK = path.join(REPO, 'test/cli/fixtures/record-loads.mjs');
/** The command modules: the files of host/cli that register commands. */
const COMMAND_FILES = fs.readdirSync(path.join(REPO, 'host/cli'))
  .filter((f) => f.endsWith('.ts') && /^export function register\w*\(program: Command\)/m.test(fs.readFileSync(path.join(REPO, 'host/cli', f), 'utf8')));
const commandFiles = (loaded: string[]): string[] => loaded.filter((f) => COMMAND_FILES.includes(f));
const CLI = pathToFileURL(path.join(REPO, 'host/cli')).href;

/** Runs `urpc <args>` and returns its exit code, output and the host/cli modules it loaded. */
function urpcLoads(...args: string[]): { code: number | null; out: string; loaded: string[]; typescript: boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-loads-'));
  try {
    const file = path.join(dir, 'loads.txt');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(HOOK).href, path.join(REPO, 'bin/urpc.js'), ...args],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000, env: { ...process.env, URPC_RECORD_LOADS: file } });
    const urls = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
    const loaded = urls.filter((u) => u.startsWith(`${CLI}/`)).map((u) => path.basename(new URL(u).pathname));
    return { code: r.status, out: r.stdout + r.stderr, loaded: [...new Set(loaded)].sort(), typescript: urls.some((u) => u.includes('/node_modules/typescript/')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('urpc command table (lazy loading)', function () {
  this.timeout(240_000);

  it('lists exactly the commands each module registers, with their help term and description', async () => {
    const help = new Help();
    for (const m of COMMAND_MODULES) {
      const program = new Command();
      (await m.load())(program);
      const real = program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() }));
      assert.deepEqual(m.commands, real, 'host/cli/commands.ts is out of date with the module it loads');
    }
  });

  it('finds the command named on a command line', () => {
    assert.equal(commandNamed(['call', 'native', 'urpc.echo', '1']), 'call');
    assert.equal(commandNamed(['--help']), undefined);
    assert.equal(commandNamed([]), undefined);
    assert.equal(commandNamed(['help', 'build']), 'build');
    assert.equal(commandNamed(['-h', 'qemu']), 'qemu');
  });

  it('urpc --help loads no command module and lists every command', () => {
    const r = urpcLoads('--help');
    assert.equal(r.code, 0, r.out);
    assert.ok(COMMAND_FILES.length >= COMMAND_MODULES.length, COMMAND_FILES.join(' '));
    assert.deepEqual(commandFiles(r.loaded), []);
    assert.equal(r.typescript, false, 'typescript loaded for --help');
    for (const c of COMMAND_MODULES.flatMap((m) => m.commands)) assert.match(r.out, new RegExp(`^  ${c.term.replace(/[.[\]]/g, '\\$&')} `, 'm'));
  });

  it('a command loads only its own module', () => {
    const r = urpcLoads('frame', '01');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(commandFiles(r.loaded), ['inspect.ts']);
    const h = urpcLoads('help', 'call');
    assert.equal(h.code, 0, h.out);
    assert.match(h.out, /Usage: urpc call \[options\] <uri> <fn>/);
    assert.deepEqual(commandFiles(h.loaded), ['call.ts']);
  });

  it('an unknown command is a usage error with a suggestion', () => {
    const r = urpcLoads('biuld');
    assert.equal(r.code, 2);
    assert.match(r.out, /unknown command 'biuld'[\s\S]*Did you mean build\?/);
    assert.deepEqual(commandFiles(r.loaded), []);
  });
});
