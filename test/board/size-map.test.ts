// Module sizes from a GNU ld map file (host/board/size.ts). The excerpt is from the linked
// qemu-lm3s6965evb image: merged string sections are listed with their size before merging and
// overlap the next entry; counting them as listed overran the image's .text in CI.
import { strict as assert } from 'node:assert';
import { moduleSizes } from '../../host/board/size.ts';

const MAP = `Linker script and memory map

.text           0x00000000     0x6800
 .text.Framer_flush
                0x00000100       0x40 /b/obj/framer.o
                0x00000100                Framer_flush
 *fill*         0x00000140        0x2 
 .text          0x00000144       0x10 /usr/lib/arm-none-eabi/newlib/thumb/v7-m/nofp/libc_nano.a(libc_a-memcpy.o)
 .rodata.fw_rd32le_at.constprop.0.str1.1
                0x00006715       0x28 /b/obj/wire.o
 *fill*         0x0000673d        0x3 
 .rodata.fw_panic_at.str1.1
                0x00006768       0x28 /b/obj/board_board.o
                                  0x1 (size before relaxing)
 .rodata.main.str1.1
                0x00006768       0x37 /b/obj/board_board.o
                                 0x39 (size before relaxing)
 .rodata.Session_frameData.str1.1
                0x0000679f       0x2f /b/obj/session.o
 .rodata.Unframer_write.str1.1
                0x000067c0       0x30 /b/obj/unframer.o

.data           0x20000000        0xc
 .data.counter  0x20000000        0x4 /b/obj/session.o
 .data          0x20000004        0x8 /b/obj/board_board.o

.bss            0x2000000c      0x100
 .bss.rx        0x2000000c      0x100 /b/obj/session.o
`;

describe('module sizes from the linker map', () => {
  const m = Object.fromEntries(moduleSizes(MAP).map((x) => [x.module, x]));

  it('counts each kept input section in its module and kind; fill is nobody\'s', () => {
    assert.equal(m.framer.text, 0x40);
    assert.equal(m.libc.text, 0x10);
    assert.equal(m.wire.text, 0x28);
    assert.deepEqual([m.session.data, m.session.bss], [4, 0x100]);
    assert.equal(m.board_board.data, 8);
  });

  it('a merged string section counts only up to where the next piece starts', () => {
    // fw_panic_at's strings were merged into main's (same address): 0, not 0x28.
    assert.equal(m.board_board.text, 0x37);
    // session's piece is listed as 0x2f but unframer's starts 0x21 later.
    assert.equal(m.session.text, 0x21);
    assert.equal(m.unframer.text, 0x30);
  });

  it('no byte is counted twice: the text adds up to the pieces without overlap', () => {
    const text = Object.values(m).reduce((a, x) => a + x.text, 0);
    assert.equal(text, 0x40 + 0x10 + 0x28 + 0x37 + 0x21 + 0x30);
  });
});
