// Bench section 6 (issue 14): how long the urpc command takes before it does anything: `urpc
// --help`, a one-shot `urpc call` against the same call made in-process, and `urpc build` with
// nothing changed. Measured on the compiled package (tsconfig.build.json, what `npm i urpc`
// runs), next to `node -e 0`; --quick measures the checkout's sources through tsx instead (the
// test checks the report's shape, not the figures).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from '../host/client/connect.ts';
import { REPO } from '../host/repo.ts';
import { median } from '../host/cli/stats.ts';

export const CLI_GOALS = { helpMs: 300, callOverheadMs: 500, noopBuildMs: 1000 };

export interface CliBench {
  via: string;
  runs: number;
  nodeMs: number;
  helpMs: number;
  call: { cliMs: number; inProcessMs: number; overheadMs: number };
  noopBuildMs: number;
  goals: typeof CLI_GOALS;
  met: { help: boolean; callOverhead: boolean; noopBuild: boolean };
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Wall time of one run of `node <args>`; throws if it fails. */
function runOnce(args: string[], cwd: string): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return ms;
}

/** Median wall time of `runs` runs, after one unmeasured run. */
function timeCommand(args: string[], cwd: string, runs: number): number {
  runOnce(args, cwd);
  return r1(median(Array.from({ length: runs }, () => runOnce(args, cwd))));
}

export async function benchCli(work: string, firmware: string, quick: boolean, log: (s: string) => void): Promise<CliBench> {
  const runs = quick ? 1 : 11;
  let main = path.join(REPO, 'bin/urpc.js');
  let via = 'the checkout\'s sources through tsx (--quick)';
  if (!quick) {
    // Inside the repository (its package.json is the package root), outside dist/ (ignored).
    const out = path.join(REPO, 'build', 'bench-cli', 'dist');
    fs.rmSync(out, { recursive: true, force: true });
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', out],
      { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
    if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
    main = path.join(out, 'host/cli/main.js');
    via = 'the compiled package (tsc -p tsconfig.build.json), as `npm i urpc` installs it';
  }
  const project = path.join(work, 'cli-project');
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), '{ "private": true }\n');

  const nodeMs = timeCommand(['-e', '0'], project, runs);
  const helpMs = timeCommand([main, '--help'], project, runs);
  const cliMs = timeCommand([main, 'call', `native:${firmware}`, 'urpc.echo', '1'], project, runs);
  const inProcess: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const s = await connect(`native:${firmware}`);
    await s.functions.echo(1);
    await s.close();
    if (i > 0) inProcess.push(performance.now() - t); // the first warms up
  }
  const inProcessMs = r1(median(inProcess));
  // The bench's native build: the unmeasured first run rebuilds it only if this urpc lowers with
  // other code (the compiled package), then nothing has changed.
  const noopBuildMs = timeCommand([main, 'build', '--board', 'native', '--out', path.dirname(firmware)], project, runs);
  const overheadMs = r1(cliMs - inProcessMs);
  const r: CliBench = {
    via, runs, nodeMs, helpMs, call: { cliMs, inProcessMs, overheadMs }, noopBuildMs, goals: CLI_GOALS,
    met: { help: helpMs <= CLI_GOALS.helpMs, callOverhead: overheadMs <= CLI_GOALS.callOverheadMs, noopBuild: noopBuildMs <= CLI_GOALS.noopBuildMs },
  };
  log(`cli: node -e 0 ${nodeMs} ms, --help ${helpMs} ms, call ${cliMs} ms (in-process ${inProcessMs} ms), no-op build ${noopBuildMs} ms (${via})`);
  return r;
}

const verdict = (met: boolean): string => (met ? 'met' : '**missed**');

/** Section 8 of bench/README.md. */
export function renderCliSection(cl: CliBench | undefined): string[] {
  if (cl === undefined) return [];
  return [
    '## 8. CLI start-up and no-op build (issue 14)', '',
    `Wall clock of the \`urpc\` command, median of ${cl.runs} runs after one unmeasured run, on ${cl.via}; ` +
      `\`node -e 0\` takes ${cl.nodeMs} ms on this machine under this load.`, '',
    '| what | ms | of which node itself (`node -e 0`) | goal | |', '|---|---:|---:|---:|---|',
    `| \`urpc --help\` | ${cl.helpMs} | ${cl.nodeMs} | ≤ ${cl.goals.helpMs} | ${verdict(cl.met.help)} |`,
    `| \`urpc call native:<firmware> urpc.echo 1\` minus the same connect, call and close in-process (${cl.call.cliMs} − ${cl.call.inProcessMs}) | ${cl.call.overheadMs} | ${cl.nodeMs} | ≤ ${cl.goals.callOverheadMs} | ${verdict(cl.met.callOverhead)} |`,
    `| \`urpc build --board native\` with nothing changed | ${cl.noopBuildMs} | ${cl.nodeMs} | ≤ ${cl.goals.noopBuildMs} | ${verdict(cl.met.noopBuild)} |`,
    '',
  ];
}
