// `npm run bench --quick` writes a well-formed report with every section. Figures are not
// asserted (they depend on the machine); only that each one is there and is a number.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderReadme, renderSizeSvg } from '../../bench/report.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const has = (cmd: string): boolean => spawnSync(cmd, ['--version']).status === 0;

describe('bench (quick run)', function () {
  this.timeout(300_000);
  it('writes bench/results-style JSON with size, workPerByte, latency, wire and transpile', function () {
    if (!has('valgrind') || !has('arm-none-eabi-gcc')) this.skip();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-bench-test-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out, '--name', 'q', '--no-readme', '--no-qemu'],
      { cwd: REPO, encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const j = JSON.parse(fs.readFileSync(path.join(out, 'q.json'), 'utf8'));
    const num = (x: unknown, what: string): void => assert.ok(typeof x === 'number' && Number.isFinite(x), `${what}: ${x}`);
    assert.match(j.meta.commit, /^[0-9a-f]{40}$|^unknown$/);
    assert.ok(j.meta.machine.cpu && j.meta.versions.node && j.meta.date);
    for (const cpu of ['cortex-m0plus', 'cortex-m3', 'cortex-m4']) {
      const s = j.size.perCpu[cpu];
      for (const l of ['crc16', 'framer', 'unframer', 'session', 'page allocator', 'rpc server + wire + messages', 'registry/functions']) {
        num(s.layers[l].text, `${cpu} ${l}`);
        assert.ok(s.layers[l].text > 0, `${cpu} ${l} has code`);
      }
      num(s.stack.text, `${cpu} stack`);
    }
    num(j.size.linked.flash, 'linked flash');
    for (const k of ['frame random', 'frame ff', 'unframe random whole', 'unframe random byte', 'unframe ff whole']) {
      num(j.workPerByte.runs[k].irPerByte, k);
      num(j.workPerByte.runs[k].ratio, `${k} ratio`);
    }
    num(j.workPerByte.call.irPerCall, 'CallFunc Ir');
    assert.ok(j.latency.length >= 1);
    for (const lt of j.latency) {
      assert.ok(lt.echo.length >= 2 && lt.echo[0].payload === 0);
      for (const e of lt.echo) num(e.ratioP50, `${lt.link} echo ${e.payload}`);
      num(lt.goodput.copyFromOfRaw, `${lt.link} copyFrom / raw`);
      num(lt.goodput.copyToOfRaw, `${lt.link} copyTo / raw`);
    }
    assert.equal(j.wire.rows.length, 8);
    num(j.transpile.medianMs, 'transpile');
    // The README table renders from it, and a second render replaces the generated block only.
    const md = renderReadme(j, 'results/q.json', '');
    for (const h of ['## 1. Size', '## 2. Work per byte', '## 3. Latency', '## 4. Wire', '## 5. Transpile']) assert.ok(md.includes(h), h);
    const again = renderReadme(j, 'results/q.json', md.replace('# urpc benchmarks', '# urpc benchmarks (kept)'));
    assert.ok(again.startsWith('# urpc benchmarks (kept)'));
    assert.equal(again.split('bench:begin').length, 2);
    assert.match(renderSizeSvg(j), /^<svg[\s\S]*<\/svg>\n$/);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
