// urpc init <dir>: a new urpc project (host/project/init.ts), with its app's host types
// (app/app.d.ts) generated so that it type-checks before the first build.
import type { Command } from 'commander';
import * as path from 'node:path';
import { initProject, InitError } from '../project/init.ts';
import { command, fail, EXIT_USAGE } from './options.ts';

export function registerInitCommand(program: Command): void {
  command(program, 'init')
    .description('create a urpc project: device functions in app/, a typed host script, a test, PlatformIO boards')
    .argument('<dir>', 'the new project folder (must not exist, or be empty)')
    .addHelpText('after', '\nExample:\n  urpc init blink && cd blink && npm install && npm start')
    .action(async (dir: string) => {
      let r;
      try {
        r = initProject(dir);
      } catch (e) {
        if (!(e instanceof InitError)) throw e;
        fail('init', e, {}, EXIT_USAGE);
        return;
      }
      const { generateApp } = await import('../app/generate.ts');
      generateApp(path.join(r.dir, 'app'), path.join(r.dir, 'build', 'local', 'app'));
      const rel = path.relative(process.cwd(), r.dir) || '.';
      console.log(`created ${rel}: ${[...r.files, 'app/app.d.ts'].sort().join(', ')}`);
      console.log(`next:\n  cd ${rel}\n  npm install\n  npm start    # build the native board with the app and call it\n  npm test`);
    });
}
