// `npm run bench --quick` writes a well-formed, self-consistent report with every section: each
// figure is there and is a number, every ratio is its figure over its baseline, every goal has a
// verdict that follows from its figure and limit, the README table and the SVG plots render from
// it. Figures are never asserted (they depend on the machine and its load).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderReadme, renderSizeSvg, renderLatencySvg, renderGoodputSvg, goalLimit } from '../../bench/report.ts';
import { REPO } from '../../host/repo.ts';
import { requireTools } from '../tools.ts';

const num = (x: unknown, what: string): void => assert.ok(typeof x === 'number' && Number.isFinite(x), `${what}: ${x}`);
/** A ratio as the bench rounds it: two decimals from 1 up, two significant digits below. */
const ratioOf = (r: number, figure: number, base: number, what: string): void => {
  const x = figure / base;
  assert.ok(Math.abs(r - x) <= Math.max(0.0051, 0.051 * Math.abs(x)), `${what}: ratio ${r} but ${figure} / ${base} = ${x}`);
};
/** Tags balance (every opened element is closed), so the SVG parses. */
function wellFormedSvg(svg: string, what: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*<\/svg>\n$/, what);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') assert.equal(stack.pop(), m[2], `${what}: </${m[2]}> closes another element`);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, [], `${what}: unclosed ${stack.join(', ')}`);
  assert.ok(!/NaN|undefined|Infinity/.test(svg), `${what}: NaN/undefined/Infinity in the plot`);
}

describe('bench (quick run)', function () {
  this.timeout(300_000);
  let j: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  let out: string;
  before(function () {
    requireTools(this, ['valgrind', 'arm-none-eabi-gcc']);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-bench-test-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out, '--name', 'q', '--no-readme', '--no-qemu'],
      { cwd: REPO, encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    j = JSON.parse(fs.readFileSync(path.join(out, 'q.json'), 'utf8'));
  });
  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('records the machine (cpu, cores, load average), the tool versions and the commit', () => {
    assert.match(j.meta.commit, /^[0-9a-f]{40}$|^unknown$/);
    assert.equal(typeof j.meta.dirty, 'boolean');
    assert.ok(Array.isArray(j.meta.dirtyFiles) && j.meta.dirtyFiles.length > 0 === j.meta.dirty);
    assert.ok(j.meta.machine.cpu && j.meta.date);
    num(j.meta.machine.cores, 'cores');
    for (const k of ['loadAvgStart', 'loadAvgEnd']) {
      assert.equal(j.meta.machine[k].length, 3, k);
      for (const x of j.meta.machine[k]) num(x, k);
    }
    for (const k of ['node', 'typescript', 'gcc', 'clang', 'armGcc', 'valgrind', 'qemu']) assert.equal(typeof j.meta.versions[k], 'string', k);
    assert.match(j.meta.versions.node, /^v\d+/);
    assert.match(j.meta.versions.typescript, /^\d+\.\d+/);
  });

  it('sizes: every layer on M0+/M3/M4, objects and linked images; totals add up; RAM beyond the user-sized buffers', () => {
    const layers = ['crc16', 'framer', 'unframer', 'session', 'page allocator', 'rpc server', 'registry + runtime', 'built-in device functions', 'fw_rt + device glue'];
    const sum = (ls: Record<string, { text: number }>, ks: string[]): number => ks.reduce((a, k) => a + ls[k].text, 0);
    for (const cpu of ['cortex-m0plus', 'cortex-m3', 'cortex-m4']) {
      const s = j.size.perCpu[cpu];
      for (const l of layers) {
        num(s.layers[l].text, `${cpu} ${l}`);
        assert.ok(s.layers[l].text > 0, `${cpu} ${l} has code`);
      }
      assert.equal(s.stack.text, sum(s.layers, layers), `${cpu} objects: stack = sum of layers`);
      const k = j.size.linked[cpu];
      assert.ok(k, `linked image for ${cpu}`);
      assert.equal(k.cpu, cpu);
      // The CRC is @inline (in the framer's and unframer's loops) and its module init has nothing
      // to do (codegen elideInits), so the linked image may keep nothing of crc16 itself.
      for (const l of layers) assert.ok(k.layers[l].text > 0 || (l === 'crc16' && k.layers[l].text === 0), `${cpu} linked ${l}`);
      assert.equal(k.stack.text, sum(k.layers, layers), `${cpu} linked: stack = sum of layers`);
      assert.equal(k.protocol.text, k.stack.text - k.layers['built-in device functions'].text);
      assert.ok(k.stack.text + k.layers['board C'].text + k.layers['libc + libgcc + crt'].text <= k.sections.text, `${cpu}: modules fit the image`);
      assert.equal(k.flash, k.sections.text + k.sections.data);
      const u = k.userBuffers;
      assert.ok(u.tensorMemory > 0 && u.pages === Math.floor(u.tensorMemory / 268) && u.sessionRx > 0 && u.rpcPacket > 0, JSON.stringify(u));
      assert.equal(k.stackRamBeyondUser, k.stack.data + k.stack.bss - u.sessionRx - u.rpcPacket);
      assert.ok(k.stackRamBeyondUser >= 0);
      assert.equal(k.boardRamBeyondPool, k.layers['board C'].data + k.layers['board C'].bss - u.tensorMemory);
    }
  });

  it('the M3 image with only the system functions (board.json "builtins": []) is smaller and the README says so', () => {
    const so = j.size.systemOnly;
    assert.deepEqual(so.builtins, ['runtime.SystemLib', 'tvm.rpc.server.ModuleGetFunction', 'tvm.rpc.server.GetCRTMaxPacketSize']);
    num(so.flash, 'system-only flash');
    assert.ok(so.flash < j.size.linked['cortex-m3'].flash, `${so.flash} vs ${j.size.linked['cortex-m3'].flash}`);
    assert.match(renderReadme(j, 'results/q.json', ''), new RegExp(`the Cortex-M3 image is ${so.flash} bytes of flash, ${j.size.linked['cortex-m3'].flash - so.flash} less`));
  });

  it('float cost (issue 17): the M3 image without floats links no float runtime; the float app\'s does, and the README says so', () => {
    const f = j.size.float;
    assert.equal(f.noFloat.flash, j.size.linked['cortex-m3'].flash, 'the image without floats is the size section\'s M3 image');
    assert.equal(f.noFloat.floatRuntime, 0, `an image using no float carries no float runtime: ${JSON.stringify(f.noFloat.routines)}`);
    assert.deepEqual(f.noFloat.routines, []);
    num(f.withFloat.flash, 'float app flash');
    assert.ok(f.withFloat.floatRuntime > 0 && f.withFloat.routines.some((x: { name: string }) => x.name === '__aeabi_fmul'), JSON.stringify(f.withFloat.routines));
    // The ranges overlap (aliases, routines that run on into the next): the union is at most the sum.
    assert.ok(f.withFloat.floatRuntime <= f.withFloat.routines.reduce((a: number, x: { size: number }) => a + x.size, 0));
    const readme = renderReadme(j, 'results/q.json', '');
    assert.match(readme, /An image without floats carries 0 bytes of float runtime; the float app's image is \d+ bytes larger, \d+ of them the float runtime/);
  });

  it('work per byte: every run counted, ratios are figure / microTVM', () => {
    for (const k of ['frame random', 'frame ff', 'unframe random whole', 'unframe random byte', 'unframe ff whole']) {
      const x = j.workPerByte.runs[k];
      num(x.irPerByte, k);
      ratioOf(x.ratio, x.irPerByte, x.baseline, k);
      assert.equal(x.met, x.irPerByte <= x.goal, k);
    }
    const c = j.workPerByte.call;
    num(c.irPerCall, 'CallFunc Ir');
    ratioOf(c.ratio, c.irPerCall, c.baseline, 'CallFunc');
  });

  it('latency and goodput: each next to the raw link, ratios are figure / raw, verdicts follow', () => {
    assert.ok(j.latency.length >= 1);
    for (const lt of j.latency) {
      assert.ok(['plain', 'reliable'].includes(lt.variant));
      assert.ok(lt.echo.length >= 2 && lt.echo[0].payload === 0);
      for (const e of lt.echo) {
        for (const k of ['echoP50Ms', 'echoP99Ms', 'rawP50Ms', 'rawP99Ms']) num(e[k], `${lt.link} ${e.payload} ${k}`);
        ratioOf(e.ratioP50, e.echoP50Ms, e.rawP50Ms, `${lt.link} echo ${e.payload}`);
        assert.equal(e.met, e.ratioP50 <= j.issueGoals.latencyOfRaw);
        assert.equal(e.metTargets, e.ratioP50 <= j.targets.latencyOfRaw);
        assert.equal(e.rawBytes, Math.max(1, e.payload));
      }
      for (const d of [lt.goodput.copyFrom, lt.goodput.copyTo]) {
        num(d.kibs, 'goodput');
        num(d.rawKibs, 'raw one-way');
        ratioOf(d.ofRaw, d.kibs, d.rawKibs, `${lt.link} goodput`);
        assert.equal(d.met, d.ofRaw >= j.issueGoals.goodputOfRaw);
        assert.equal(d.metTargets, d.ofRaw >= j.targets.goodputOfRaw);
        assert.match(d.raw, /one-way/);
      }
    }
    for (const lt of j.latency) {
      for (const k of ['echo', 'total']) {
        num(lt.session[k].retransmissions, `${lt.link} ${lt.variant} retransmissions`);
        num(lt.session[k].duplicateReplies, `${lt.link} ${lt.variant} duplicate replies`);
      }
      if (lt.variant === 'plain') assert.equal(lt.session.total.retransmissions, 0, 'plain mode never retransmits');
    }
    // The plain session and, when the host has it, reliable mode over the same raw link.
    const plain = j.latency.filter((lt: { variant: string }) => lt.variant === 'plain');
    assert.equal(plain.length, j.latency.length / (j.reliableMode === 'measured' ? 2 : 1));
  });

  it('goals: every goal of issue 8 is there with a verdict that follows from its figure, baseline and limit', () => {
    const ids = j.goals.map((g: { id: string }) => g.id);
    for (const id of ['framing-text', 'stack-text', 'protocol-text', 'stack-ram']) assert.ok(ids.includes(id), id);
    assert.ok(ids.some((id: string) => /^goodput-copyFrom-native-issue 8$/.test(id)), 'copyFrom goodput goal');
    assert.ok(ids.some((id: string) => /^goodput-copyTo-native-issue 8$/.test(id)), 'copyTo goodput goal');
    assert.ok(ids.some((id: string) => /^echo-native-issue 8$/.test(id)), 'echo latency goal');
    assert.equal(new Set(ids).size, ids.length, 'goal ids are unique');
    for (const g of j.goals) {
      assert.ok(['issue 8', 'targets.md', 'issue 16'].includes(g.source), g.id);
      assert.equal(typeof g.met, 'boolean', g.id);
      num(g.figure, g.id);
      num(g.limit, g.id);
      if (g.baseline !== undefined) ratioOf(g.ratio, g.figure, g.baseline, g.id);
      const v = g.on === 'ratio' ? g.ratio : g.figure;
      assert.equal(g.met, g.op === '<=' ? v <= g.limit : v >= g.limit, `${g.id}: verdict`);
    }
    const lk = j.size.linked['cortex-m3'];
    const goal = (id: string): { figure: number } => j.goals.find((g: { id: string }) => g.id === id);
    assert.equal(goal('framing-text').figure, lk.layers.crc16.text + lk.layers.framer.text + lk.layers.unframer.text);
    assert.equal(goal('stack-text').figure, lk.stack.text);
    assert.equal(goal('stack-ram').figure, lk.stackRamBeyondUser);
  });

  it('browser: the bundle size, raw above gzipped, its parts adding up to at most the bundle', () => {
    const br = j.browser;
    for (const k of ['bundleBytes', 'gzipBytes', 'pageBytes', 'buildMs']) num(br[k], `browser.${k}`);
    assert.ok(br.gzipBytes > 0 && br.gzipBytes < br.bundleBytes);
    const parts = br.parts.reduce((n: number, p: { bytes: number }) => n + p.bytes, 0);
    assert.ok(parts > 0.9 * br.bundleBytes && parts <= br.bundleBytes, `parts ${parts} of ${br.bundleBytes}`);
    assert.ok(br.parts.find((p: { part: string; bytes: number }) => p.part.startsWith('client') && p.bytes > 0));
  });

  it('group: pipelined and sequential rates for each call kind; the killed board alone failed, after its half', () => {
    const gr = j.group;
    assert.equal(gr.boards, 4);
    for (const t of gr.throughput) {
      for (const k of ['pipelined', 'sequential']) {
        assert.equal(t[k].calls, t[k].broadcasts * gr.boards, `${t.work} ${k}`);
        num(t[k].callsPerS, `${t.work} ${k} calls/s`);
      }
      ratioOf(t.speedup, t.pipelined.callsPerS, t.sequential.callsPerS, `${t.work} speedup`);
    }
    assert.deepEqual([gr.kill.broadcasts, gr.kill.killedAfter, gr.kill.killedFailures, gr.kill.otherFailures, gr.kill.othersAnswered], [50, 25, 25, 0, 150]);
  });

  it('cli: start-up, one-shot call overhead and no-op build, with verdicts that follow from the figures', () => {
    const c = j.cli;
    for (const k of ['nodeMs', 'helpMs', 'noopBuildMs']) num(c[k], `cli.${k}`);
    for (const k of ['cliMs', 'inProcessMs', 'overheadMs']) num(c.call[k], `cli.call.${k}`);
    assert.ok(Math.abs(c.call.overheadMs - (c.call.cliMs - c.call.inProcessMs)) <= 0.11, 'overhead = CLI call - in-process call');
    assert.deepEqual(c.met, { help: c.helpMs <= c.goals.helpMs, callOverhead: c.call.overheadMs <= c.goals.callOverheadMs, noopBuild: c.noopBuildMs <= c.goals.noopBuildMs });
    assert.deepEqual(c.goals, { helpMs: 300, callOverheadMs: 500, noopBuildMs: 1000 });
    const md = renderReadme(j, 'results/q.json', '');
    assert.ok(md.includes('## 8. CLI start-up and no-op build'));
    const row = md.split('\n').find((l) => l.startsWith('| `urpc --help` |'));
    assert.equal(row, `| \`urpc --help\` | ${c.helpMs} | ${c.nodeMs} | ≤ 300 | ${c.met.help ? 'met' : '**missed**'} |`);
  });

  it('compact wire: bytes of a small call in each mode, echo of 0 B next to the raw round trip, and the goals of issue 16 goal 4', () => {
    const c = j.compactWire;
    assert.deepEqual([...new Set(c.wire.map((w: { mode: string }) => w.mode))], ['plain', 'reliable', 'compact']);
    for (const w of c.wire) {
      num(w.request, `${w.mode} ${w.call} request`);
      num(w.reply, `${w.mode} ${w.call} reply`);
    }
    const t = c.paced;
    num(t.rawP50Ms, 'paced raw p50');
    assert.deepEqual(t.modes.map((m: { mode: string }) => m.mode), ['plain', 'compact']);
    for (const m of t.modes) {
      num(m.p50Ms, `paced ${m.mode}`);
      num(m.lineMs, `paced ${m.mode} line time`);
      ratioOf(m.ofRaw, m.p50Ms, t.rawP50Ms, `paced ${m.mode}`);
    }
    const bytes = j.goals.find((g: { id: string }) => g.id === 'compact-wire-bytes');
    const call = c.wire.find((w: { mode: string; call: string }) => w.mode === 'compact' && w.call === 'urpc.echo(5)');
    assert.equal(bytes.figure, Math.max(call.request, call.reply));
    assert.equal(bytes.limit, c.goals.wireBytes);
    const paced = j.goals.find((g: { id: string }) => g.id === 'compact-echo-paced');
    assert.equal(paced.figure, t.modes[1].p50Ms);
    assert.equal(paced.source, 'issue 16');
  });

  it('codec: the host codec each way on random and all-0xFF data, with its goals against the native goodput', () => {
    assert.deepEqual(j.codec.rows.map((x: { payload: string }) => x.payload), ['random', 'ff']);
    for (const x of j.codec.rows) {
      for (const k of ['encode', 'decode']) {
        num(x[k].mbs, `${x.payload} ${k}`);
        assert.ok(x[k].mbs > 0 && x[k].medianMbs <= x[k].mbs, `${x.payload} ${k}: best of reps`);
        assert.ok(x[k].wireBytes > x[k].tensorBytes, `${x.payload} ${k}: framing adds bytes`);
      }
    }
    const random = j.codec.rows[0];
    for (const k of ['encode', 'decode']) {
      const g = j.goals.find((x: { id: string }) => x.id === `codec-${k}`);
      assert.ok(g, `codec-${k} goal`);
      assert.equal(g.source, 'issue 16');
      assert.equal(g.figure, random[k].mbs);
      assert.equal(g.limit, j.codec.goalMbs);
      assert.match(g.detail, /native copy(From|To) goodput [\d.]+ MB\/s = [\d.]+× the codec/);
    }
    const md = renderReadme(j, 'results/q.json', '');
    assert.ok(md.includes('## 9. Host codec in Node'));
    assert.ok(md.includes(`| random | ${random.encode.mbs} (${random.encode.medianMbs}) | ${random.decode.mbs} (${random.decode.medianMbs}) |`));
  });

  it('the README block and the three plots render from it; a second render replaces the block only', () => {
    const md = renderReadme(j, 'results/q.json', '');
    for (const h of ['## Goals', '## 1. Size', '## 2. Work per byte', '## 3. Latency', '## 4. Wire', '## 5. Transpile', '## 6. Group throughput', '## 7. Browser console bundle', 'Reliable mode cost on a clean link']) assert.ok(md.includes(h), h);
    for (const g of j.goals) {
      // Goals of two sources may share a description (the same goodput against 0.8x and 0.9x):
      // the limit tells their rows apart.
      const row = md.split('\n').find((l) => l.startsWith(`| ${g.what}`) && l.includes(`| ${goalLimit(g)} |`));
      assert.ok(row, `goal row for ${g.id}`);
      assert.ok(row.endsWith(g.met ? '| met |' : '| **missed** |'), `${g.id}: ${row}`);
      assert.ok(row.includes(`| ${g.figure} ${g.unit} |`), `${g.id}: figure in its row`);
    }
    for (const k of ['node', 'typescript', 'clang', 'armGcc', 'qemu', 'valgrind']) assert.ok(md.includes(j.meta.versions[k]), k);
    assert.ok(md.includes(j.meta.commit.slice(0, 10)));
    const again = renderReadme(j, 'results/q.json', md.replace('# urpc benchmarks', '# urpc benchmarks (kept)') + '\nnotes kept\n');
    assert.ok(again.startsWith('# urpc benchmarks (kept)'));
    assert.ok(again.endsWith('\nnotes kept\n'));
    assert.equal(again.split('bench:begin').length, 2);
    wellFormedSvg(renderSizeSvg(j), 'sizes.svg');
    const lat = renderLatencySvg(j);
    wellFormedSvg(lat, 'latency.svg');
    assert.equal((lat.match(/<path /g) ?? []).length, 4 * j.latency.length, 'four lines per link panel');
    const gp = renderGoodputSvg(j);
    wellFormedSvg(gp, 'goodput.svg');
    for (const lt of j.latency) assert.ok(gp.includes(`${lt.goodput.copyFrom.kibs} of ${lt.goodput.copyFrom.rawKibs} KiB/s`));
  });
});

describe('bench raw link (bench/harness/rawlink.c)', () => {
  it('echoes, sinks n bytes then answers K, transmits n bytes on request', function () {
    requireTools(this, ['gcc']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-rawlink-'));
    try {
      const exe = path.join(dir, 'rawlink');
      const cc = spawnSync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Wconversion', '-Wsign-conversion', '-pedantic', '-Werror', '-DRAWLINK_POSIX',
        path.join(REPO, 'bench/harness/rawlink.c'), '-o', exe], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      const cmd = (op: string, n: number): Buffer => Buffer.from([0x1b, op.charCodeAt(0), n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
      const input = Buffer.concat([Buffer.from('hello'), cmd('S', 5000), Buffer.alloc(5000, 0x41), Buffer.from('xy'), cmd('T', 5000), Buffer.from('z')]);
      const r = spawnSync(exe, { input });
      assert.equal(r.status, 0);
      const o = r.stdout as Buffer;
      assert.equal(o.subarray(0, 16).toString(), 'RAWLINK\nhelloKxy');
      assert.equal(o.length, 8 + 5 + 1 + 2 + 5000 + 1);
      assert.ok(o.subarray(16, 16 + 5000).every((b) => b >= 0x20 && b < 0x80 && b !== 0x1b));
      assert.equal(o.subarray(-1).toString(), 'z');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
