// Stack use (issue #7): gcc -fstack-usage / -fcallgraph-info=su on the real boards at their own
// flags (host/board/stack.ts), and two small C programs with a known recursion, a known indirect
// call and a variable-length array, to show that the analysis catches them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { analyzeCallGraph, boardStack, STACK_FLAGS, CORTEX_M_EXCEPTION_FRAME, type StackReport } from '../../host/board/stack.ts';
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

  /** Compiles one C file at -O0 (no inlining, no devirtualization) and analyses it from main. */
  function analyse(name: string, src: string, stack?: number): StackReport {
    const c = path.join(dir, `${name}.c`);
    fs.writeFileSync(c, src);
    execFileSync('gcc', ['-std=c99', '-O0', ...STACK_FLAGS, '-c', c, '-o', path.join(dir, `${name}.o`)], { cwd: dir });
    return analyzeCallGraph({
      ciFiles: [path.join(dir, `${name}.ci`)], sources: [c], entries: ['main'], root: dir,
      stack: stack === undefined ? undefined : { bytes: stack, source: 'test' },
    });
  }

  it('an indirect call reaches the functions of its interface slot and type, not every function', () => {
    const r = analyse('indirect', `
typedef struct Shape_vt { int (*area)(void *self, int k); int (*label)(void *self, int k); } Shape_vt;
typedef struct Shape { void *self; const Shape_vt *vt; } Shape;
typedef int (*Op)(int x);
static int small_area(void *self, int k) { volatile char b[16]; (void)self; b[0] = (char)k; return b[0]; }
static int big_area(void *self, int k) { volatile char b[1000]; (void)self; b[k & 511] = 1; return b[3]; }
/* Same type as area, but only ever stored into the label slot: not a target of ->area. */
static int huge_label(void *self, int k) { volatile char b[5000]; (void)self; b[k & 1023] = 1; return b[5]; }
static const Shape_vt SMALL = { small_area, huge_label };
static const Shape_vt BIG = { big_area, huge_label };
static int op_inc(int x) { volatile char b[100]; b[0] = (char)x; return b[0] + 1; }
/* Address taken, another type: not a target of an Op call. */
static long other(long x) { volatile char b[3000]; b[x & 7] = 1; return b[1]; }
long (*volatile keep)(long) = other;
int measure(Shape s, int k) { return s.vt->area(s.self, k); }
int apply(Op f, int x) { return f(x); }
int main(void) {
  Shape a = { 0, &SMALL };
  Shape b = { 0, &BIG };
  return measure(a, 1) + measure(b, 2) + apply(op_inc, 3);
}
`);
    assert.deepEqual(r.recursion, []);
    const sites = new Map(r.indirect.map((s) => [s.via, s]));
    assert.deepEqual(sites.get('s.vt->area')?.targets.sort(), ['big_area', 'small_area']);
    assert.equal(sites.get('s.vt->area')?.how, 'slot');
    assert.deepEqual(sites.get('f')?.targets, ['op_inc']);
    assert.equal(sites.get('f')?.how, 'type');
    assert.deepEqual(r.worst!.frames.map((f) => f.name), ['main', 'measure', 'big_area']);
    assert.equal(r.worst!.total, r.worst!.frames.reduce((s, f) => s + f.bytes, 0));
    assert.ok(r.worst!.total > 1000 && r.worst!.total < 3000, `${r.worst!.total}`);
    // The same program against a stack too small for it.
    const tight = analyzeCallGraph({ ciFiles: [path.join(dir, 'indirect.ci')], sources: [path.join(dir, 'indirect.c')], entries: ['main'], stack: { bytes: 512, source: 'test' } });
    assert.equal(tight.fits, false);
    assert.match(tight.errors.join('\n'), /does not fit the 512-byte stack/);
  });

  it('recursion through a function-pointer table and direct recursion are errors naming the cycle; a VLA is an unbounded frame', () => {
    const r = analyse('recursion', `
typedef int (*Step)(int n);
static int ping(int n);
static const Step NEXT[1] = { ping };
static int pong(int n) { return n <= 0 ? 0 : NEXT[0](n - 1); }
static int ping(int n) { return pong(n) + 1; }
static int walk(int n) { return n <= 0 ? 0 : walk(n - 1) + 1; }
int vla(int n) { volatile char b[n]; b[0] = 1; return b[0]; }
int main(void) { return ping(3) + walk(2) + vla(5); }
`);
    const cycles = r.recursion.map((c) => c.join(' -> ')).sort();
    assert.deepEqual(cycles, ['ping -> pong', 'walk']);
    assert.ok(r.errors.includes('recursion: ping -> pong -> ping'), r.errors.join('\n'));
    assert.ok(r.errors.includes('recursion: walk -> walk'), r.errors.join('\n'));
    assert.deepEqual(r.dynamic.map((d) => `${d.name} ${d.qualifier}`), ['vla dynamic']);
    assert.ok(r.errors.some((e) => /unbounded dynamic frame .*: vla/.test(e)), r.errors.join('\n'));
    // The indirect call is what closes ping's cycle: it was resolved by the table's type.
    const site = r.indirect.find((s) => s.via === 'NEXT[]');
    assert.deepEqual(site?.targets, ['ping']);
  });
});
