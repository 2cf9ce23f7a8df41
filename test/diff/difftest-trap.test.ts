// The difftest driver and the panic trap (firmware/rpc/contain.ts): a module that runs a function
// under the trap gets the trap of the boards (firmware/platform/common/trap.h) in C, so a panic
// inside is contained there as in Node, not ended as the case's panic.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';
import { Panic, type Bytes } from '../../firmware/lib/prelude.ts';
import { Msg } from '../../firmware/rpc/messages.ts';
import { main } from './fixtures/trap.ts';

const TRAP = fileURLToPath(new URL('./fixtures/trap.ts', import.meta.url));

describe('difftest driver: the panic trap', function () {
  this.timeout(120_000);

  it('a Bounds panic under trapCall is contained in Node (Msg.AppPanic and its code) and the C agrees', async () => {
    const run = (k: number, out = new Uint8Array(8)): number => main(Uint8Array.of(k) as unknown as Bytes, out as unknown as Bytes);
    const out = new Uint8Array(8);
    assert.equal(run(4, out), Msg.AppPanic);
    const view = new DataView(out.buffer);
    assert.equal(view.getUint32(0, true), Panic.Bounds);
    assert.equal(run(3), Msg.Ok);

    const inputs = [Uint8Array.of(0), Uint8Array.of(3), Uint8Array.of(4), Uint8Array.of(200), new Uint8Array(0), Uint8Array.of(2)];
    const r = await difftest(TRAP, { inputs, outSize: 8, compilers: ['gcc'], optLevels: ['-O0'] });
    assert.ok(r.transpile_ok, r.diagnostics);
    assert.ok(r.ok, formatDifftest(r));
    assert.equal(r.cases, inputs.length);
  });
});
