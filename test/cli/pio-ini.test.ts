// platformio.ini as PlatformIO reads it (host/pio/ini.ts, used by urpc flash, urpc init's test and
// the CI cross-build): multi-line values, comment lines inside them, inline comments, the base
// [env]'s flags expanded, escaped quotes kept.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseIni, readEnvs } from '../../host/pio/ini.ts';

const INI = `; urpc boards
# a hash comment = not a key
[platformio]
src_dir = src ; an inline comment

[env]
framework = arduino
build_flags =
    -Os
    # -DDEBUG (commented out)
    ; -DTRACE
    -DA=1   ; trailing
extra_scripts = pre:a.py, post:b.py

[env:x]
platform = p
board = b
build_flags = \${env.build_flags} -DNAME=\\"x\\"
`;

describe('platformio.ini reading (host/pio/ini.ts)', () => {
  it('multi-line values, comment lines inside them and inline comments, as PlatformIO reads them', () => {
    const ini = parseIni(INI);
    assert.deepEqual([...ini.keys()], ['platformio', 'env', 'env:x']);
    assert.equal(ini.get('platformio')?.get('src_dir'), 'src');
    assert.deepEqual([...ini.get('env')!.keys()], ['framework', 'build_flags', 'extra_scripts']);
    assert.equal(ini.get('env')?.get('build_flags'), '\n-Os\n-DA=1');
  });

  it('an env gets the base flags expanded, its scripts without pre:/post:, the escaped quotes of a -D value kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-ini-'));
    try {
      fs.writeFileSync(path.join(dir, 'platformio.ini'), INI);
      const { envs } = readEnvs(path.join(dir, 'platformio.ini'));
      assert.deepEqual(envs, [{
        name: 'x', platform: 'p', board: 'b', framework: 'arduino',
        buildFlags: ['-Os', '-DA=1', '-DNAME="x"'], extraScripts: ['a.py', 'b.py'],
      }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
