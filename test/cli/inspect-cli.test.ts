// urpc frame / decode as a user runs them (a real subprocess): the spec §7.1 and §7.2 vectors
// byte-exact through `frame`, round-tripped through `decode`, and the sniffer's reports on
// damaged streams, RPC packets, files and bad input.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, buildDir } from '../codegen/helpers.ts';

function urpc(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/urpc.js'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Frame {
  offset: number;
  end: number;
  nop: boolean;
  length?: number;
  status: string;
  error?: string;
  payload_hex: string;
  crc?: { computed: string; received?: string; ok: boolean };
  session?: { session_id: string; initiator: number; responder: number; type_name: string; version?: number; text?: string; body_hex: string; rpc?: { code_name: string; length: string; handle?: string; args?: unknown[]; error?: string } };
}
interface Decoded { bytes: number; frames: Frame[]; skipped: number; errors: { offset: number; error: string }[]; ok: boolean }

function decode(...args: string[]): { code: number | null; r: Decoded } {
  const res = urpc('decode', '--json', ...args);
  assert.ok(res.code === 0 || res.code === 1, res.err);
  return { code: res.code, r: JSON.parse(res.out) as Decoded };
}

const ascii = (s: string): string => Array.from(Buffer.from(s, 'latin1'), (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
const LONG = 'this payload is exactly 255 characters long. chunk is 64 bytes. '.repeat(4).slice(0, 255);

// spec §7.1: [name, payload, wire frame without the FE prefix]
const FRAMING: readonly [string, string, string][] = [
  ['Packet1', '6F 6E 65', 'FF FD 03 00 00 00 6F 6E 65 58 F4'],
  ['Packet2', '74 77 6F 32', 'FF FD 04 00 00 00 74 77 6F 32 13 11'],
  ['Packet3', '74 68 72 65 65', 'FF FD 05 00 00 00 74 68 72 65 65 63 9F'],
  ['ZeroLengthPacket', '', 'FF FD 00 00 00 00 83 44'],
  ['EscapePacket', '65 73 5F FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72', 'FF FD 13 00 00 00 65 73 5F FF FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72 B4 FF FF'],
  ['EscapeCodeInSizePacket', ascii(LONG), `FF FD FF FF 00 00 00 ${ascii(LONG)} 36 7E`],
];

// spec §7.2: [step, wire, session id, type name, version / log text]
const SESSION: readonly [string, string, string, string, number | string | undefined][] = [
  ['Terminate', 'FE FF FD 03 00 00 00 00 00 02 66 77', '0x0000', 'TerminateSession', undefined],
  ['alice Init', 'FF FD 04 00 00 00 82 00 00 01 7B E9', '0x0082', 'StartSessionInit', 1],
  ['bob Reply', 'FF FD 04 00 00 00 82 66 01 01 81 F3', '0x6682', 'StartSessionReply', 1],
  ['Normal hello', 'FF FD 08 00 00 00 82 66 10 68 65 6C 6C 6F 90 28', '0x6682', 'Normal', undefined],
  ['Normal olleh', 'FF FD 08 00 00 00 82 66 10 6F 6C 6C 65 68 4C 76', '0x6682', 'Normal', undefined],
  ['Log log1', 'FF FD 07 00 00 00 00 00 03 6C 6F 67 31 F0 D4', '0x0000', 'Log', 'log1'],
  ['Log zero', 'FF FD 07 00 00 00 00 00 03 7A 65 72 6F B2 68', '0x0000', 'Log', 'zero'],
  ['DoubleStart bob Init', 'FF FD 04 00 00 00 66 00 00 01 60 A7', '0x0066', 'StartSessionInit', 1],
  ['DoubleStart alice Reply', 'FF FD 04 00 00 00 66 45 01 01 0C 62', '0x4566', 'StartSessionReply', 1],
];

describe('cli: urpc frame / decode', function () {
  this.timeout(180_000);

  it('frame gives every §7.1 vector byte-exact, with the FE prefix under --nop', () => {
    for (const [name, payload, wire] of FRAMING) {
      const r = urpc('frame', payload);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assert.equal(r.out.trim(), wire, name);
    }
    assert.equal(urpc('frame', '--nop').out.trim(), 'FE FF FD 00 00 00 00 83 44');
    // Colons, no separators, 0x prefixes and several arguments all read the same.
    for (const form of [['6f:6e:65'], ['0x6F', '0x6E', '0x65']]) {
      assert.equal(urpc('frame', '--nop', ...form).out.trim(), 'FE FF FD 03 00 00 00 6F 6E 65 58 F4', form.join(' '));
    }
    const j = JSON.parse(urpc('frame', '74 77 6F 32', '--json').out) as { payload: string; frame: string; length: number };
    assert.deepEqual(j, { payload: '74 77 6F 32', frame: 'FF FD 04 00 00 00 74 77 6F 32 13 11', length: 12 });
  });

  it('decode of a stream of all §7.1 frames (ValidPacketTrain style) gives back each payload with its CRC', () => {
    const stream = ['FE', ...FRAMING.map(([, , w]) => w), 'FE', FRAMING[0]![2]].join(' ');
    const { code, r } = decode(stream);
    assert.equal(code, 0);
    assert.ok(r.ok);
    assert.equal(r.frames.length, FRAMING.length + 1);
    for (const [k, [name, payload, wire]] of [...FRAMING, FRAMING[0]!].entries()) {
      const f = r.frames[k]!;
      assert.equal(f.status, 'ok', name);
      assert.equal(f.payload_hex, payload, name);
      assert.equal(f.length, payload === '' ? 0 : payload.split(' ').length, name);
      assert.equal(f.end - f.offset + 1, wire.split(' ').length, name);
      assert.ok(f.crc?.ok, name);
      assert.equal(f.crc.received, f.crc.computed);
    }
    assert.equal(r.frames[0]!.nop, true);
    assert.equal(r.frames[1]!.nop, false);
    assert.equal(r.frames[FRAMING.length]!.nop, true);
    assert.equal(r.frames[0]!.crc!.received, '0xF458');
    assert.equal(r.frames[4]!.crc!.received, '0xFFB4');
    assert.equal(r.skipped, 0);
  });

  it('§7.2 session vectors: frame(payload) is the vector, decode names the header', () => {
    const { r } = decode(SESSION.map(([, w]) => w).join(' '));
    assert.ok(r.ok);
    assert.equal(r.frames.length, SESSION.length);
    for (const [k, [step, wire, sid, type, extra]] of SESSION.entries()) {
      const f = r.frames[k]!;
      const s = f.session!;
      assert.equal(s.session_id, sid, step);
      assert.equal(s.type_name, type, step);
      if (typeof extra === 'number') assert.equal(s.version, extra, step);
      if (typeof extra === 'string') assert.equal(s.text, extra, step);
      // Round trip: framing the decoded payload gives the vector back.
      const again = urpc('frame', f.payload_hex, ...(f.nop ? ['--nop'] : []));
      assert.equal(again.out.trim(), wire, step);
    }
    assert.equal(r.frames[3]!.session!.body_hex, ascii('hello'));
  });

  it('decode reports damaged frames: CRC mismatch, FF FD inside a frame, invalid escape, truncation; exit 1', () => {
    const stream = [
      '00 11', // noise
      'FF FD 03 00 00 00 6F 6E 65 58 F5', // bad CRC
      'FF FD 04 00 00 00 74 77', // cut short by the next start
      'FF FD 03 00 00 00 6F 6E 65 58 F4', // good
      'FF FD 02 00 00 00 01 FF 00', // invalid escape FF 00
      'FF FD 05 00 00 00 74 68', // the capture ends inside this frame
    ].join(' ');
    const { code, r } = decode(stream);
    assert.equal(code, 1);
    assert.equal(r.ok, false);
    assert.deepEqual(r.frames.map((f) => f.status), ['crc-mismatch', 'short-packet', 'ok', 'invalid-escape', 'incomplete']);
    assert.match(r.frames[0]!.error!, /FramingCrcMismatch \(0x0205\)/);
    assert.deepEqual(r.frames[0]!.crc, { computed: '0xF458', received: '0xF558', ok: false });
    assert.match(r.frames[1]!.error!, /FramingShortPacket \(0x0201\)/);
    assert.equal(r.frames[1]!.offset, 13);
    assert.equal(r.frames[1]!.end, 20);
    assert.equal(r.frames[2]!.offset, 21);
    assert.match(r.frames[3]!.error!, /FramingInvalidEscape \(0x0202\)/);
    assert.equal(r.frames[2]!.session!.type_name, 'Unknown (handled as Normal)');
    assert.equal(r.skipped, 2);
    const text = urpc('decode', stream);
    assert.equal(text.code, 1);
    assert.match(text.out, /frame 0 @2\.\.12 len 3 crc 0xF558 \(computed 0xF458\) CRC-MISMATCH/);
    assert.match(text.out, /SHORT-PACKET: FramingShortPacket/);
  });

  it('decode: a CRC ending in FE is not the next frame\'s FE prefix (issue 13 item 5)', () => {
    // Before: the second frame was labelled "(FE prefix)" and the summary said "-1 bytes outside frames".
    const stream = 'fffd2b00000044a110200000000000000004000000020000000000000000000000000000000000000005000000000000008ffe' +
      'fffd1700000044a1100c0000000000000004000000010000000400000020f8';
    const { code, r } = decode(stream);
    assert.equal(code, 0);
    assert.deepEqual(r.frames.map((f) => [f.status, f.nop]), [['ok', false], ['ok', false]]);
    assert.equal(r.frames[0]!.crc!.received, '0xFE8F');
    assert.equal(r.skipped, 0);
    const text = urpc('decode', stream);
    assert.doesNotMatch(text.out, /FE prefix/);
    assert.match(text.out, /2 frames \(2 ok\), 0 bytes outside frames/);
    // A real prefix after a frame is still one, and counted inside the frames.
    const { r: r2 } = decode(stream + ' FE FF FD 03 00 00 00 6F 6E 65 58 F4');
    assert.deepEqual(r2.frames.map((f) => f.nop), [false, false, true]);
    assert.equal(r2.skipped, 0);
  });
  it('decode --file reads a capture and decodes the MinRPC packets of Normal messages (§7.3)', () => {
    const dir = buildDir('cli-decode');
    const cap = path.join(dir, 'capture.bin');
    const getFunc = 'FF FD 30 00 00 00 82 66 10 25 00 00 00 00 00 00 00 09 00 00 00 01 00 00 00 0B 00 00 00 11 00 00 00 00 00 00 00 72 75 6E 74 69 6D 65 2E 53 79 73 74 65 6D 4C 69 62 30 3B';
    const reply = 'FF FD 1F 00 00 00 82 66 10 14 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 67 52';
    const call = 'FF FD 1B 00 00 00 82 66 10 10 00 00 00 00 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 00 00 00 00 94 9B';
    const bytes = Buffer.from([getFunc, reply, call].join(' ').split(' ').map((x) => parseInt(x, 16)));
    fs.writeFileSync(cap, bytes);
    const { code, r } = decode('--file', cap);
    assert.equal(code, 0);
    assert.equal(r.bytes, bytes.length);
    const rpc = r.frames.map((f) => f.session!.rpc!);
    assert.equal(rpc[0]!.code_name, 'GetGlobalFunc');
    assert.equal(rpc[0]!.length, '37');
    assert.deepEqual(rpc[0]!.args, [{ type: 'str', value: 'runtime.SystemLib' }]);
    assert.equal(rpc[1]!.code_name, 'Return');
    assert.deepEqual(rpc[1]!.args, [{ type: 'handle', value: String(0x80028000) }]);
    assert.equal(rpc[2]!.code_name, 'CallFunc');
    assert.equal(rpc[2]!.handle, '0x80028000');
    assert.deepEqual(rpc[2]!.args, []);
    assert.ok(rpc.every((p) => p.error === undefined));
    const text = urpc('decode', '-f', cap);
    assert.match(text.out, /rpc GetGlobalFunc \(9\) length 37/);
    assert.match(text.out, /arg \{"type":"str","value":"runtime.SystemLib"\}/);
  });

  it('bad input exits 2 with a message that says what was wrong', () => {
    const odd = urpc('decode', 'FF F');
    assert.equal(odd.code, 2);
    assert.match(odd.err, /malformed hex: odd number of digits/);
    const bad = urpc('frame', 'FF ZZ');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /malformed hex: unexpected character 'Z'/);
    const missing = urpc('decode', '--file', 'no/such/capture.bin');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file: no\/such\/capture\.bin/);
    assert.equal(urpc('decode').code, 2);
  });

  it('--help lists frame and decode, each with examples', () => {
    const r = urpc('--help');
    assert.match(r.out, /\bframe\b/);
    assert.match(r.out, /\bdecode\b/);
    assert.match(urpc('frame', '--help').out, /Examples:/);
    assert.match(urpc('decode', '--help').out, /Examples:/);
  });
});
