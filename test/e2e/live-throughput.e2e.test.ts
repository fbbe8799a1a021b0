/**
 * The seed's headline in the app: boot the seed host and create the FC5 guest from the sample
 * files (Assign device), have the link partner stream full-size frames to the assigned E1000
 * with Send traffic, and read the guest's receive throughput in Mbit/s off the Live area's
 * per-NIC chart — its legend names the NIC by BDF — in both themes, with no serious axe finding.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { describeViolations, runAxe } from './axe.ts';

let app: OpenApp;
let page: Page;

const chart = () => page.getByTestId('chart-nic-mbps');
/** The chart's text alternative: row label → newest value. */
async function newest(): Promise<Record<string, string>> {
  const table = page.getByTestId('chart-nic-mbps-values');
  const labels = await table.locator('th').allTextContents();
  const values = await table.locator('td').allTextContents();
  return Object.fromEntries(labels.map((l, i) => [l, values[i]]));
}
const received = async () => parseFloat((await newest())['0000:02:00.0 received'] ?? 'NaN');

beforeAll(async () => {
  app = await openApp({ env: freshState(), viewport: { width: 1440, height: 900 } });
  page = app.page;
});

afterAll(() => app?.close());

describe('throughput of the assigned E1000 in Live', () => {
  it('is flat, named by BDF, before the guest runs', async () => {
    await page.keyboard.press('Control+3');
    await page.getByRole('tab', { name: 'Live', selected: true }).waitFor();
    await chart().locator('.uplot canvas').waitFor({ timeout: 15_000 });
    await expect.poll(() => chart().getAttribute('data-state'), { timeout: 10_000 }).toBe('flat');
    expect(await page.getByTestId('chart-nic-mbps-empty').innerText()).toBe('No traffic yet: nothing has crossed the wire since the machine powered on.');
    expect(await chart().locator('.u-legend').innerText()).toContain('0000:02:00.0 received');
    // The frames chart keeps its own test ids beside it.
    expect(await page.getByTestId('chart-nic').getAttribute('data-state')).toBe('flat');
  });

  it('shows the stream Send traffic starts, in Mbit/s, once the guest holds the NIC', async () => {
    await page.keyboard.press('Control+1');
    await expect.poll(() => page.getByTestId('problem-summary').innerText(), { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    await page.keyboard.press('Control+2');
    await page.getByTestId('run-boot').click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 20_000 }).toMatch(/^Xen running/);
    await page.getByTestId('run-create').click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 30_000 }).toBe('dom1 fc5-vtd running · first packet received');
    // About twelve virtual seconds of full-size frames at line rate: long enough to watch.
    await page.getByTestId('traffic-count').fill('1000000');
    await page.getByTestId('traffic-payload').fill('1500');
    await page.getByTestId('traffic-send').click();
    await expect.poll(() => page.getByTestId('traffic-notice').innerText(), { timeout: 10_000 }).toMatch(/^Streaming 1,000,000 frames of 1500 bytes at line rate \(peer0 → 0000:02:00\.0\)/);
    await page.getByTestId('run-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ensureResultsDir(), 'run-send-traffic.png') });

    await page.keyboard.press('Control+3');
    await page.getByRole('tab', { name: 'Live', selected: true }).waitFor();
    await expect.poll(received, { timeout: 30_000 }).toBeGreaterThan(0);
    const mbps = await received();
    // At most the wire: 1 Gbit/s less preamble and inter-frame gap.
    expect(mbps).toBeLessThanOrEqual(1000);
    expect((await newest())['0000:02:00.0 received']).toMatch(/^\d[\d.]* Mbit\/s$/);
    expect(await chart().getAttribute('data-state')).toBe('moving');
    expect(await page.getByTestId('chart-nic-mbps-summary').textContent()).toBe('E1000 throughput per NIC: showing 0000:02:00.0 received, 0000:02:00.0 sent.');
  });

  it.each(['light', 'dark'] as const)('looks right and has no serious axe finding in the %s theme', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.mouse.move(1, 1);
    await page.waitForTimeout(600);
    await chart().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ensureResultsDir(), `live-throughput-${scheme}.png`) });
    await chart().screenshot({ path: join(ensureResultsDir(), `live-throughput-chart-${scheme}.png`) });
    const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(describeViolations(bad), `axe in the ${scheme} theme while traffic flows`).toEqual([]);
  });

  it('had no page or console errors', () => {
    expect(app.errors).toEqual([]);
  });
});
