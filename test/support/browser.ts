import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium floods the closed network with refused connections. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'artifacts',
  'screenshots',
);

export interface TestBrowser {
  /** One browser context on a fresh profile: cookies do not leak between launches. */
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes Chromium and removes its profile dir; safe to call twice. */
  close(): Promise<void>;
}

/** Debian's headless Chromium, driven by playwright-core, with a fresh user-data dir. */
export async function launchBrowser(
  options: { timeoutMs?: number; extraArgs?: string[] } = {},
): Promise<TestBrowser> {
  const profileDir = await mkdtemp(join(tmpdir(), 'ramgate-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
      timeout: 30_000,
    });
  } catch (err) {
    await rm(profileDir, { recursive: true, force: true });
    throw new Error(
      `cannot start ${CHROMIUM} (${(err as Error).message}); scripts/ensure-system-deps.sh installs it`,
    );
  }
  context.setDefaultTimeout(options.timeoutMs ?? 10_000);
  let closed: Promise<void> | undefined;
  return {
    context,
    newPage: () => context.newPage(),
    close: () =>
      (closed ??= (async () => {
        await context.close().catch(() => undefined); // already gone: only the profile dir is left
        await rm(profileDir, { recursive: true, force: true });
      })()),
  };
}

/** Saves a full-page PNG as artifacts/screenshots/<name>.png (gitignored) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
