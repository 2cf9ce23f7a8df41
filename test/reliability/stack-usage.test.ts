// Stack use (issue #7): gcc -fstack-usage / -fcallgraph-info=su on the real boards at their own
// flags (host/board/stack.ts), and two small C programs with a known recursion, a known indirect
// call and a variable-length array, to show that the analysis catches them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { analyzeCallGraph, boardStack, callTableOf, STACK_FLAGS, CORTEX_M_EXCEPTION_FRAME, type StackReport, type CallTable } from '../../host/board/stack.ts';
import { transpile } from '../../codegen/src/index.ts';
import { REPO } from '../../host/repo.ts';
import { requireTools } from '../qemu/helpers.ts';
import { urpcAsync } from '../cli/subprocess.ts';

/** The invariants every board's report must hold. */
function checkReport(r: StackReport): void {
  assert.deepEqual(r.recursion, [], `recursion: ${JSON.stringify(r.recursion)}`);
  assert.deepEqual(r.errors, []);
  assert.ok(r.paths.length > 0);
  const byName = new Map(r.functions.map((f) => [f.name, f]));
  for (const p of r.paths) {
    assert.equal(p.total, p.frames.reduce((s, f) => s + f.bytes, 0), `${p.entry}: total is the sum of its frames`);
    // Every frame is the function's own gcc figure, and each step is a call the graph has.
    const fns = p.frames.filter((f) => !f.name.startsWith('('));
    for (const f of fns) assert.equal(byName.get(f.name)?.bytes, f.bytes, `${f.name}'s frame`);
    for (let i = 1; i < fns.length; i++) assert.ok(byName.get(fns[i - 1].name)!.calls.includes(fns[i].name), `${fns[i - 1].name} calls ${fns[i].name}`);
  }
  assert.equal(r.total, r.paths.filter((p) => p.kind === 'interrupt').reduce((s, p) => s + p.total, r.worst!.total));
  // Every indirect call site was parsed and reaches at least one function.
  assert.ok(r.indirect.length > 10);
  for (const s of r.indirect) {
    assert.notEqual(s.how, 'any', `${s.location}: ${s.via}`);
    assert.ok(s.targets.length > 0, `${s.location}: ${s.via} has targets`);
  }
  assert.ok(!r.dynamic.some((d) => d.qualifier === 'dynamic'));
  if (r.stack !== undefined) assert.ok(r.fits && r.total <= r.stack.bytes, `${r.total} B fits ${r.stack.bytes} B`);
}

describe('stack use: the real boards (gcc -fstack-usage -fcallgraph-info=su)', function () {
  this.timeout(180_000);

  it('native (gcc -O2): no recursion, paths are sums of frames, the worst path goes through interface calls', async () => {
    const r = await boardStack('native');
    checkReport(r);
    assert.equal(r.worst!.entry, 'main');
    assert.equal(r.stack, undefined); // a Linux process: no declared stack
    // The deepest path dispatches a call: through the session listener and the function table.
    const names = r.worst!.frames.map((f) => f.name);
    assert.ok(names.includes('RpcServer_handle'), names.join(' > '));
    assert.ok(names.some((n) => n.endsWith('__SessionListener')), names.join(' > '));
    // What glibc runs is not measured here; the report says which functions those are.
    assert.ok(r.unknown.includes('write') && !r.unknown.some((n) => /^[A-Z]|_module_init$/.test(n)), r.unknown.join(', '));
  });

  it('qemu-lm3s6965evb (arm-none-eabi-gcc -Os): worst path from the reset handler plus every interrupt fits the 6 KiB stack', async function () {
    requireTools(this, ['arm-none-eabi-gcc']);
    const r = await boardStack('qemu-lm3s6965evb');
    checkReport(r);
    assert.deepEqual(r.stack, { bytes: 6144, source: 'STACK_SIZE in boards/qemu-lm3s6965evb/lm3s6965.ld' });
    assert.equal(r.worst!.entry, 'Reset_Handler');
    assert.equal(r.worst!.frames[1].name, 'main');
    const irqs = r.paths.filter((p) => p.kind === 'interrupt');
    assert.deepEqual(irqs.map((p) => p.entry).sort(), ['Fault_Handler', 'Irq_Dispatch', 'SysTick_Handler']);
    for (const p of irqs) assert.deepEqual(p.frames[0].bytes, CORTEX_M_EXCEPTION_FRAME);
    // newlib's memmove/memset are measured from the image; nothing is left without a figure.
    assert.deepEqual(r.unknown, []);
    assert.ok(r.library.some((l) => l.name === 'memmove' && l.bytes > 0));
    assert.ok(r.total > 500 && r.total <= 6144, `${r.total}`);
  });

  it('qemu-mps2-an505 (Cortex-M33): fits its 16 KiB stack', async function () {
    requireTools(this, ['arm-none-eabi-gcc']);
    const r = await boardStack('qemu-mps2-an505');
    checkReport(r);
    assert.equal(r.stack?.bytes, 16384);
  });

  it('urpc stack --board prints the worst path and the verdict; --json gives the report', async function () {
    requireTools(this, ['arm-none-eabi-gcc']);
    const text = await urpcAsync(['stack', '--board', 'qemu-lm3s6965evb', '--top', '5']);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /worst path from Reset_Handler: \d+ bytes/);
    assert.match(text.out, /worst case: \d+ bytes = .* of the 6144-byte stack \(STACK_SIZE in boards\/qemu-lm3s6965evb\/lm3s6965.ld\): fits/);
    assert.match(text.out, /recursion: none/);
    const json = await urpcAsync(['stack', '--board', 'native', '--json']);
    assert.equal(json.code, 0, json.err);
    const r = JSON.parse(json.out) as StackReport;
    assert.equal(r.worst?.entry, 'main');
    const tight = await urpcAsync(['stack', '--board', 'qemu-lm3s6965evb', '--stack', '1024', '--top', '1']);
    assert.equal(tight.code, 1, 'exit 1 when the worst case does not fit');
    assert.match(tight.out, /of the 1024-byte stack \(--stack\): DOES NOT FIT by \d+ bytes/);
    assert.match(tight.out, /error: worst case \d+ bytes does not fit the 1024-byte stack/);
    const bad = await urpcAsync(['stack', '--board', 'no-such-board']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^urpc stack: unknown board 'no-such-board'.*boards: .*native/);
  });
});

describe('stack use: synthetic programs the analysis must catch', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-stack-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Compiles one C file at -O0 (no inlining, no devirtualization) and analyses it from `entry`. */
  function analyse(name: string, src: string, calls: CallTable, entry = 'main', stack?: number): StackReport {
    const c = path.join(dir, `${name}.c`);
    fs.writeFileSync(c, src);
    execFileSync('gcc', ['-std=c99', '-O0', ...STACK_FLAGS, '-I', dir, '-c', c, '-o', path.join(dir, `${name}.o`)], { cwd: dir });
    return analyzeCallGraph({
      ciFiles: [path.join(dir, `${name}.ci`)], calls, entries: [entry], root: dir,
      stack: stack === undefined ? undefined : { bytes: stack, source: 'test' },
    });
  }

  it('an indirect call of generated C reaches what the lowering recorded for its slot: its interface method, or the functions stored as its pointer type', () => {
    // Two interfaces with a method of the same name and C type, and two function-pointer types:
    // a call through Shape.area reaches the Shape vtables' area only (not Meter's area, nor a
    // label of the same type), a call through an Op the functions stored as Ops only.
    // FwTS sources live in the repository (its package.json makes them ES modules).
    const src = path.join(REPO, 'build', 'test', 'stack-synthetic');
    fs.mkdirSync(src, { recursive: true });
    const prelude = path.relative(src, path.join(REPO, 'firmware/lib/prelude.ts'));
    const ts = path.join(src, 'prog.ts');
    fs.writeFileSync(ts, `import { u32, type Bytes } from '${prelude}';
export interface Shape { area(k: u32): u32; label(k: u32): u32 }
export interface Meter { area(k: u32): u32 }
export type Op = (x: u32) => u32;
export type Pair = (x: u32, y: u32) => u32;
class Small implements Shape {
  area(k: u32): u32 { return u32(k + 1); }
  label(k: u32): u32 { return u32(k + 2); }
}
class Big implements Shape {
  area(k: u32): u32 { return u32(k + 3); }
  label(k: u32): u32 { return u32(k + 4); }
}
class Gauge implements Meter {
  area(k: u32): u32 { return u32(k + 5); }
}
function inc(x: u32): u32 { return u32(x + 1); }
function dec(x: u32): u32 { return u32(x - 1); }
function add(x: u32, y: u32): u32 { return u32(x + y); }
const OPS: readonly Op[] = [inc, dec];
const small = new Small();
const big = new Big();
const gauge = new Gauge();
function measure(s: Shape, k: u32): u32 { return s.area(k); }
function meter(m: Meter, k: u32): u32 { return m.area(k); }
function apply(f: Op, x: u32): u32 { return f(x); }
function both(f: Pair, x: u32): u32 { return f(x, x); }
export function main(input: Bytes, output: Bytes): u32 {
  const k = u32(input.length);
  const g = OPS[1];
  return u32(measure(small, k) + measure(big, k) + meter(gauge, k) + apply(OPS[0], k) + g(k) + both(add, output.length));
}
`);
    const t = transpile([ts], { outDir: dir });
    assert.ok(t.ok, t.format(false));
    // Compiled as urpc stack compiles it: the #line directives blanked, so locations are C lines.
    const c = t.files.get('prog.c')!.split('\n').map((l) => (l.startsWith('#line ') ? '' : l)).join('\n');
    const r = analyse('prog', c, callTableOf(t.reports, dir), 'prog_main');
    assert.deepEqual(r.recursion, []);
    assert.deepEqual(r.errors, []);
    const sites = new Map(r.indirect.map((s) => [`${s.caller} ${s.via}`, s]));
    assert.equal(r.indirect.length, 5, JSON.stringify(r.indirect));
    assert.deepEqual(sites.get('measure s.vt->area')?.targets.sort(), ['Big_area__Shape', 'Small_area__Shape']);
    assert.equal(sites.get('measure s.vt->area')?.how, 'slot');
    assert.deepEqual(sites.get('meter m.vt->area')?.targets, ['Gauge_area__Meter']);
    assert.deepEqual(sites.get('apply f')?.targets.sort(), ['dec', 'inc']);
    assert.equal(sites.get('apply f')?.how, 'type');
    assert.deepEqual(sites.get('prog_main g')?.targets.sort(), ['dec', 'inc']);
    assert.deepEqual(sites.get('both f')?.targets, ['add']);
    // Each thunk calls its method: the worst path goes through a call the table resolved.
    const names = r.worst!.frames.map((f) => f.name);
    assert.equal(names[0], 'prog_main');
    assert.equal(r.worst!.total, r.worst!.frames.reduce((n, f) => n + f.bytes, 0));
    // The same program against a stack too small for it.
    const tight = analyzeCallGraph({ ciFiles: [path.join(dir, 'prog.ci')], calls: callTableOf(t.reports, dir), entries: ['prog_main'], root: dir, stack: { bytes: 16, source: 'test' } });
    assert.equal(tight.fits, false);
    assert.match(tight.errors.join('\n'), /does not fit the 16-byte stack/);
  });

  it('recursion through a function-pointer table and direct recursion are errors naming the cycle; a VLA is an unbounded frame', () => {
    // Hand-written C: its indirect call is described by a table (as a board's is in board.json).
    const file = path.join(dir, 'recursion.c');
    const r = analyse('recursion', `
typedef int (*Step)(int n);
static int ping(int n);
static const Step NEXT[1] = { ping };
static int pong(int n) { return n <= 0 ? 0 : NEXT[0](n - 1); }
static int ping(int n) { return pong(n) + 1; }
static int walk(int n) { return n <= 0 ? 0 : walk(n - 1) + 1; }
int vla(int n) { volatile char b[n]; b[0] = 1; return b[0]; }
int main(void) { return ping(3) + walk(2) + vla(5); }
`, { sites: [{ file, line: 5, caller: 'pong', via: 'NEXT[0]', slot: 'fn:int(int)' }], fills: [{ slot: 'fn:int(int)', fn: 'ping', file }] });
    const cycles = r.recursion.map((c) => c.join(' -> ')).sort();
    assert.deepEqual(cycles, ['ping -> pong', 'walk']);
    assert.ok(r.errors.includes('recursion: ping -> pong -> ping'), r.errors.join('\n'));
    assert.ok(r.errors.includes('recursion: walk -> walk'), r.errors.join('\n'));
    assert.deepEqual(r.dynamic.map((d) => `${d.name} ${d.qualifier}`), ['vla dynamic']);
    assert.ok(r.errors.some((e) => /unbounded dynamic frame .*: vla/.test(e)), r.errors.join('\n'));
    // The indirect call is what closes ping's cycle: it was resolved by the table.
    const site = r.indirect.find((s) => s.via === 'NEXT[0]');
    assert.deepEqual(site?.targets, ['ping']);
    // Without a record of the site it may reach anything stored in a slot (here: ping), as 'any'.
    const blind = analyzeCallGraph({ ciFiles: [path.join(dir, 'recursion.ci')], calls: { sites: [], fills: [{ slot: 'fn:int(int)', fn: 'ping', file }] }, entries: ['main'], root: dir });
    assert.deepEqual(blind.indirect.map((s) => [s.how, s.targets]), [['any', ['ping']]]);
  });
});
