/**
 * Every area passes axe-core with no serious or critical violation, in light and dark themes;
 * the per-area result is written to test-results/axe-summary.json for the record.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { describeViolations, runAxe, type AxeViolation } from './axe.ts';

let app: OpenApp;
let page: Page;
const summary: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  app = await openApp({ env: freshState() });
  page = app.page;
});

afterAll(async () => {
  writeFileSync(join(ensureResultsDir(), 'axe-summary.json'), JSON.stringify(summary, null, 2) + '\n');
  await app?.close();
});

const AREAS = [
  { key: '1', name: 'Configuration' },
  { key: '2', name: 'Assign device' },
  { key: '3', name: 'Live' },
  { key: '4', name: 'Runs' },
];

function tally(vs: AxeViolation[]): Record<string, number> {
  const t: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of vs) t[v.impact] = (t[v.impact] ?? 0) + v.nodes;
  return t;
}

async function expectNoSerious(label: string): Promise<void> {
  const vs = await runAxe(page);
  summary[label] = tally(vs);
  expect(describeViolations(vs.filter((v) => v.impact === 'serious' || v.impact === 'critical'))).toEqual([]);
}

describe.each(['light', 'dark'] as const)('axe-core in the %s theme', (scheme) => {
  it.each(AREAS)('finds no serious or critical violation in $name', async ({ key, name }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.keyboard.press(`Control+${key}`);
    await page.getByRole('tab', { name, selected: true }).waitFor();
    if (name === 'Configuration') await page.locator('.monaco-editor .view-lines').waitFor();
    const vs = await runAxe(page);
    summary[`${name} (${scheme})`] = tally(vs);
    const bad = vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(describeViolations(bad)).toEqual([]);
  });
});

describe('the Configuration area in use', () => {
  it('has no serious violation with problems listed, the Recent menu, the Host list, the help or the completion list open', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Control+1');
    await page.getByTestId('check-era').selectOption('4.0');
    await page.getByTestId('tab-errors-grub.conf').waitFor({ timeout: 10_000 });
    await expectNoSerious('Configuration with problems');
    await page.getByTestId('file-recent').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    await expectNoSerious('Configuration, Recent menu open');
    await page.keyboard.press('Escape');
    await page.getByTestId('check-host').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('listbox').waitFor();
    await expectNoSerious('Configuration, Host list open');
    await page.keyboard.press('Escape');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Alt+F1');
    await page.getByTestId('accessibility-help').waitFor();
    await expectNoSerious('Configuration, accessibility help open');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor();
    await expectNoSerious('Configuration, completion list open');
    await page.keyboard.press('Escape');
    await page.getByTestId('check-era').selectOption('2007');
  });
});
