import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { runDemo, type RunningDemo } from '../../simulators/demo/run-demo';
import { testRedisUrl } from './redis';

/** Where browser tests keep their screenshots (ignored by git). */
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

/** The demo (no scheduled changes: the test drives the story) and Debian's Chromium, for one test file. */
export interface BrowserDemo {
  readonly demo: RunningDemo;
  readonly browser: Browser;
  /** GET an ops API path with the admin token, as JSON. */
  api(p: string): Promise<Record<string, unknown>>;
  /** A browser context signed in as an operator (any user name, the admin token as password). */
  operatorContext(): Promise<BrowserContext>;
  /** Resolves once the demo's first reconciliation has succeeded. */
  firstReconciliation(): Promise<void>;
}

/**
 * Starts the demo and Chromium before the file's tests and stops both after. Chromium comes from
 * CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium); a missing one fails the file.
 */
export function useBrowserDemo(): BrowserDemo {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium not found at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    }
    demo = await runDemo({ port: 0, changeEveryMs: 0, redisUrl: testRedisUrl(), logFormat: 'json', logLevel: 'error', print: () => undefined });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`the ${what} did not start (see beforeAll)`);
    }
    return value;
  };
  const self: BrowserDemo = {
    get demo() {
      return started(demo, 'demo');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async api(p) {
      const d = self.demo;
      const res = await fetch(`${d.statusUrl}${p}`, { headers: { Authorization: `Bearer ${d.adminToken}` } });
      return (await res.json()) as Record<string, unknown>;
    },
    operatorContext: () => self.browser.newContext({ httpCredentials: { username: 'operator', password: self.demo.adminToken }, viewport: { width: 1280, height: 900 } }),
    async firstReconciliation() {
      await until('the first reconciliation', async () => ((await self.api('/api/plans')) as { plans?: Array<{ outcome?: string }> }).plans?.some((p) => p.outcome === 'succeeded') ?? false);
    },
  };
  return self;
}

/** Polls `probe` every 250 ms until it gives a truthy value; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
