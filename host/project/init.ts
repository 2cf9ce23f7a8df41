// `urpc init <dir>`: a new project outside the urpc repository, from templates/init/. The
// dependency versions are this urpc's own (its package.json), so the project gets the TypeScript,
// tsx and @types/node urpc is tested with; platformio.ini lists the PlatformIO envs of urpc's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../repo.ts';

export const TEMPLATES = path.join(REPO, 'templates', 'init');

export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

export interface InitResult {
  dir: string;
  /** Files written, relative to dir, sorted. */
  files: string[];
}

/** Template file name -> project file name (npm pack drops .gitignore files and would take a
 * package.json for a nested package). */
function target(rel: string): string {
  if (rel === 'gitignore') return '.gitignore';
  return rel.endsWith('.tmpl') ? rel.slice(0, -'.tmpl'.length) : rel;
}

function templateFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templateFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

/** An npm package name from a folder name: lower case, [a-z0-9._-], not starting with . or _. */
export function packageName(dir: string): string {
  const name = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return name === '' ? 'urpc-project' : name;
}

function versions(): Record<string, string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    version: string; dependencies: Record<string, string>; devDependencies?: Record<string, string>;
  };
  const dev = pkg.devDependencies ?? {};
  return {
    urpcVersion: pkg.version,
    typescriptVersion: pkg.dependencies.typescript ?? '~6.0.3',
    tsxVersion: dev.tsx ?? '^4.20.0',
    typesNodeVersion: dev['@types/node'] ?? '^20.19.0',
  };
}

/** urpc's platformio.ini with its paths pointing into node_modules/urpc. */
export function projectPlatformioIni(urpcIni: string): string {
  const at = urpcIni.search(/^\[env:/m);
  if (at < 0) throw new InitError('urpc\'s platformio.ini has no [env:...] section');
  return [
    '; The PlatformIO boards urpc supports (Arduino framework): `urpc flash --board <env>` runs',
    '; `pio run -e <env> -t upload`. The firmware is urpc\'s (node_modules/urpc): its',
    '; scripts/pio_urpc.py lowers it, with the functions of app/ (custom_urpc_app), to C first.',
    '',
    '[platformio]',
    'src_dir = node_modules/urpc/firmware/platform/arduino',
    'build_dir = build/pio/.pio',
    '',
    '[env]',
    'framework = arduino',
    'monitor_speed = 115200',
    'extra_scripts = pre:node_modules/urpc/scripts/pio_urpc.py',
    'custom_urpc_dir = node_modules/urpc',
    'custom_urpc_app = app',
    '; Fewer built-in device functions, a smaller image (urpc docs/device-functions.md):',
    '; custom_urpc_builtins = urpc.echo, urpc.info',
    'build_flags = -Os -ffp-contract=off', // as urpc's own [env]: floats must not fuse into FMAs (Node does not)
    '',
    urpcIni.slice(at),
  ].join('\n');
}

/** Writes the project into `dir` (created; it must not exist or be empty). */
export function initProject(dir: string): InitResult {
  const abs = path.resolve(dir);
  if (fs.existsSync(abs)) {
    if (!fs.statSync(abs).isDirectory()) throw new InitError(`${dir} exists and is not a folder`);
    if (fs.readdirSync(abs).length > 0) throw new InitError(`${dir} is not empty`);
  }
  const values: Record<string, string> = { name: packageName(abs), ...versions() };
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m);
  const files: string[] = [];
  for (const rel of templateFiles(TEMPLATES)) {
    const out = path.join(abs, target(rel));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, fill(fs.readFileSync(path.join(TEMPLATES, rel), 'utf8')));
    files.push(target(rel));
  }
  fs.writeFileSync(path.join(abs, 'platformio.ini'), projectPlatformioIni(fs.readFileSync(path.join(REPO, 'platformio.ini'), 'utf8')));
  files.push('platformio.ini');
  return { dir: abs, files: files.sort() };
}
