/**
 * The playground's Waterfall panel in Chromium (src/http/playground/waterfall.js): it runs the
 * contract's WebProductPage, opens the panel, and finds one bar per downstream call that the
 * response's `extensions.diagnostics` reports, each labelled with its service, route and keys, in
 * its level, the critical path marked. A screenshot of the page is saved under test/artifacts/
 * (git-ignored) for a person to look at.
 *
 * The services answer at different speeds, so the bars spread out as they would against real ones.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ServiceName } from '../src/contract/services';
import type { OperationDiagnostics } from '../src/diagnostics/report';
import { CONTRACT_OPERATIONS_DIR, operation } from './helpers/contract';
import { startStack, type Stack } from './helpers/stack';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, 'artifacts');
export const SCREENSHOT = join(ARTIFACTS, 'waterfall-WebProductPage.png');

// Browser-side view for page.waitForFunction callbacks (tsconfig has no DOM lib).
interface PageWindow {
  document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>; querySelector(selector: string): { textContent: string | null } | null };
}

interface Bar {
  id: string;
  service: string;
  route: string;
  keys: string;
  level: string;
  critical: string;
  label: string;
}

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  for (const [service, latencyMs] of Object.entries({ catalog: 15, inventory: 20, accounts: 25, reviews: 60, recommendations: 90 } as const)) {
    stack.demo.setKnobs({ latencyMs }, service as ServiceName);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const bars = (page: Page): Promise<Bar[]> =>
  page.$$eval('.waterfall-bar', (elements) =>
    elements.map((e) => {
      const data = (e as unknown as { dataset: Record<string, string> }).dataset;
      return {
        id: data.callId ?? '',
        service: data.service ?? '',
        route: data.route ?? '',
        keys: data.keys ?? '',
        level: data.level ?? '',
        critical: data.critical ?? '',
        label: (e.textContent ?? '').trim(),
      };
    }),
  );

/** Runs the active tab and returns the response's diagnostics, read from the wire. */
async function run(page: Page): Promise<OperationDiagnostics> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/graphql/web') && r.request().method() === 'POST'),
    page.click('.graphiql-execute-button'),
  ]);
  const body = (await response.json()) as { errors?: unknown; extensions?: { diagnostics?: OperationDiagnostics } };
  expect(body.errors).toBeUndefined();
  expect(body.extensions?.diagnostics).toBeDefined();
  return body.extensions?.diagnostics as OperationDiagnostics;
}

describe('the Waterfall panel', () => {
  test('WebProductPage: one bar per downstream call of the response, by level, the critical path marked', async () => {
    const op = operation('WebProductPage');
    // The contract's own text and variables are what the tab holds (operations/ is a byte-for-byte copy).
    expect(op.document).toBe(readFileSync(join(CONTRACT_OPERATIONS_DIR, 'web', 'WebProductPage.graphql'), 'utf8'));
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    try {
      await page.goto(`${stack.url}/graphql/web`);
      await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror');
      await page.click('.graphiql-tab .graphiql-tab-button:text-is("WebProductPage")');
      await page.waitForFunction(
        (text) => ((globalThis as unknown as PageWindow).document.querySelector('.graphiql-query-editor')?.textContent ?? '').includes(text),
        'query WebProductPage($id: ID!',
      );
      await page.waitForFunction(
        (text) => Array.from((globalThis as unknown as PageWindow).document.querySelectorAll('.graphiql-editor-tool .graphiql-editor')).some((e) => (e.textContent ?? '').includes(text)),
        `"id": ${JSON.stringify(op.variables.id)}`,
      );

      stack.gateway.clearLocalCaches();
      const diagnostics = await run(page);
      const { calls, criticalPath } = diagnostics.downstream;
      expect(calls).toHaveLength(8);

      await page.click('button[aria-label="Show Waterfall"]');
      await page.waitForFunction((n) => (globalThis as unknown as PageWindow).document.querySelectorAll('.waterfall-bar').length === n, calls.length);
      const drawn = await bars(page);
      expect(drawn.map(({ label: _label, ...bar }) => bar).sort((a, b) => Number(a.id) - Number(b.id))).toEqual(
        calls.map((c) => ({
          id: String(c.id),
          service: c.service,
          route: c.route,
          keys: String(c.keys),
          level: String(c.level),
          critical: String(criticalPath.calls.includes(c.id)),
        })),
      );
      for (const bar of drawn) expect(bar.label).toContain(`${bar.service} · ${bar.route} · ×${bar.keys}`);
      // Grouped by level: level 1's bars come first.
      expect(drawn.map((b) => b.level)).toEqual([...drawn.map((b) => b.level)].sort());
      const text = (await page.textContent('section[aria-label="Waterfall"]')) ?? '';
      expect(text).toContain('Level 1 · 3 calls');
      expect(text).toContain('Level 2 · 5 calls');
      expect(text).toContain(`8 calls · 2 levels`);
      expect(text).toContain('◆ critical path: ');
      expect(text).toContain('114 of 5000 (MAX_COST)');
      expect(text).toMatch(/Response cache: (miss|bypass)/);
      for (const family of Object.keys(diagnostics.cache.entities)) expect(text).toContain(family);

      // Wider, as a developer reading it would drag it (GraphiQL gives a plugin a quarter of the page).
      const dragBar = await page.$('.graphiql-horizontal-drag-bar');
      const box = await dragBar?.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(760, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      // The next response replaces the drawing: everything from the cache now, no bar.
      const warm = await run(page);
      expect(warm.downstream.calls).toEqual([]);
      await page.waitForFunction(() => (globalThis as unknown as PageWindow).document.querySelectorAll('.waterfall-bar').length === 0);
      expect(await page.textContent('section[aria-label="Waterfall"]')).toMatch(/No downstream call: (everything|the whole response) came from/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
