// Real Chromium for the browser tests: Debian's `chromium` (scripts/setup.sh installs it), driven
// by playwright-core through its executablePath (playwright's own browser downloads are not used).
// Under CI=true a missing Chromium fails the suite; elsewhere the suites skip with the reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../../host/repo.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable ($URPC_CHROMIUM first), or undefined. */
export function findChromium(): string | undefined {
  const env = process.env.URPC_CHROMIUM;
  if (env) return fs.existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** Call in before(): the executable, or a CI failure / a skip with the reason. */
export function requireChromium(ctx: Mocha.Context): string {
  const exe = findChromium();
  if (exe !== undefined) return exe;
  const why = 'no Chromium (apt-get install chromium, or set URPC_CHROMIUM)';
  if (process.env.CI === 'true') throw new Error(`${why}: the browser tests must run in CI`);
  console.log(`    skipped: ${why}`);
  ctx.skip();
}

export async function launch(exe: string): Promise<Browser> {
  return chromium.launch({
    executablePath: exe,
    headless: true,
    timeout: 60_000,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** Where the screenshots go (kept with the test output). */
export const SHOTS = path.join(REPO, 'build', 'test-output', 'browser');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false, timeout: 30_000 });
  return file;
}

/** Errors the page reported: console.error, uncaught exceptions, failed requests. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return errors;
}
