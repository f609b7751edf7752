/**
 * One check for every HTML page in Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) finds no
 * violation, nothing overflows horizontally at the current viewport width, and a full-page
 * screenshot goes to artifacts/<name>-<width>.png (gitignored; see artifacts/README.md).
 *
 * axe is injected through page.evaluate, which the page's CSP does not govern, so the pages are
 * checked under their real Content-Security-Policy (no bypassCSP).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts');
export const WCAG_21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface PageCheck {
  width: number;
  screenshot: string;
  /** How many axe rules ran without a violation (a sanity figure: zero would mean axe did not run). */
  passes: number;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

interface AxeOutcome {
  violations: AxeViolation[];
  passes: number;
}

async function runAxe(page: Page): Promise<AxeOutcome> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    // The axe global that axe.source defines; this callback runs in the page, not in Node.
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return {
      passes: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map(String),
          ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
        })),
      })),
    };
  }, WCAG_21_AA_TAGS);
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n` +
        v.nodes
          .map(
            (n) =>
              `    at ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
          )
          .join('\n'),
    )
    .join('\n');
}

/**
 * Checks the page as it is now; throws with every axe violation (rule, element, why) or the
 * overflow figures. `name` names the screenshot: artifacts/<name>-<width>.png.
 */
export async function checkPage(page: Page, name: string): Promise<PageCheck> {
  const width = page.viewportSize()?.width ?? (await page.evaluate(() => window.innerWidth));
  const screenshot = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}-${width}.png`);
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  const { violations, passes } = await runAxe(page);
  const problems: string[] = [];
  if (violations.length)
    problems.push(`axe found ${violations.length} violation(s):\n${describeViolations(violations)}`);
  if (passes === 0) problems.push('axe ran no rule at all');
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    widest: Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className)}` : ''}`,
      ),
  }));
  if (overflow.scrollWidth > overflow.innerWidth)
    problems.push(
      `horizontal overflow: scrollWidth ${overflow.scrollWidth} > innerWidth ${overflow.innerWidth} (${overflow.widest.join(', ')})`,
    );
  if (problems.length)
    throw new Error(
      `${name} at ${width} px (${page.url()}):\n${problems.join('\n')}\nscreenshot: ${screenshot}`,
    );
  return { width, screenshot, passes };
}
