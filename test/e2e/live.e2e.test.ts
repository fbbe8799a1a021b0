/**
 * The Live area in Chromium: the heartbeat and the machine's charts render and fill from the
 * series frames, the machine charts say in words that nothing moves yet, the text alternative
 * follows the newest samples, freezing holds the view while samples keep arriving, and the area
 * is saved as screenshots at two window sizes in both themes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';

let app: OpenApp;
let page: Page;

const CHARTS = ['heartbeat', 'interrupts', 'nic', 'iotlb'];

async function pointsReceived(): Promise<number> {
  return Number(await page.getByTestId('points-received').innerText());
}

/** The virtual time the text alternative of `series` last reported. */
async function valuesCaption(series: string): Promise<string> {
  return (await page.getByTestId(`chart-${series}-values`).locator('caption').textContent()) ?? '';
}

beforeAll(async () => {
  app = await openApp({ env: freshState(), viewport: { width: 1440, height: 900 } });
  page = app.page;
  await page.keyboard.press('Control+3');
  await page.getByRole('tab', { name: 'Live', selected: true }).waitFor();
});

afterAll(async () => {
  await app?.close();
});

describe('the Live area', () => {
  it('draws one chart per series, each filling from its frames', async () => {
    for (const s of CHARTS) await page.getByTestId(`chart-${s}`).locator('.uplot canvas').waitFor({ timeout: 15_000 });
    const p0 = await pointsReceived();
    await expect.poll(pointsReceived, { timeout: 10_000 }).toBeGreaterThan(p0 + 5);
    await expect.poll(() => page.getByTestId('chart-heartbeat').getAttribute('data-state'), { timeout: 10_000 }).toBe('moving');
  });

  it('says the machine is quiet instead of showing empty boxes', async () => {
    for (const s of ['interrupts', 'nic', 'iotlb']) {
      await expect.poll(() => page.getByTestId(`chart-${s}`).getAttribute('data-state'), { timeout: 10_000 }).toBe('flat');
    }
    expect(await page.getByTestId('chart-interrupts-empty').innerText()).toBe('No interrupts yet: every GSI stays flat until a driver runs.');
    expect(await page.getByTestId('chart-interrupts-summary').textContent()).toBe('Interrupts per GSI: No interrupts yet: every GSI stays flat until a driver runs.');
    expect(await page.getByTestId('chart-nic-values').locator('th').allTextContents()).toEqual(['received', 'sent', 'dropped']);
    expect(await page.getByTestId('chart-nic-values').locator('td').allTextContents()).toEqual(['0 /s', '0 /s', '0 /s']);
  });

  it('keeps its text alternative up to date with the newest sample', async () => {
    const first = await valuesCaption('heartbeat');
    await expect.poll(() => valuesCaption('heartbeat'), { timeout: 10_000 }).not.toBe(first);
    expect(await valuesCaption('heartbeat')).toMatch(/^Simulator heartbeat, newest values at virtual time \d+\.\d{3} s$/);
    const values = await page.getByTestId('chart-heartbeat-values').locator('td').allTextContents();
    expect(values[0]).toMatch(/ events\/s$/);
    expect(values[1]).toMatch(/^\d\.\d{3}×$/);
  });

  it('freezes the view (charts and text) while samples keep arriving, and follows again', async () => {
    await page.getByTestId('chart-freeze').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('chart-freeze').getAttribute('aria-pressed')).toBe('true');
    // Let a draw that was already scheduled finish before reading the held view.
    await page.waitForTimeout(200);
    const held = await valuesCaption('heartbeat');
    const p0 = await pointsReceived();
    await expect.poll(pointsReceived, { timeout: 10_000 }).toBeGreaterThan(p0 + 40);
    expect(await valuesCaption('heartbeat')).toBe(held);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('chart-freeze').innerText()).toBe('Freeze view');
    await expect.poll(() => valuesCaption('heartbeat'), { timeout: 10_000 }).not.toBe(held);
  });

  it('holds the view while the pointer is on a chart, with one cursor across all charts', async () => {
    await page.getByTestId('chart-nic').locator('.u-over').hover();
    await page.getByTestId('chart-hover-paused').waitFor();
    const cursorTime = (s: string) => page.getByTestId(`chart-${s}`).locator('.u-legend .u-series').first().locator('.u-value').innerText();
    const here = await cursorTime('nic');
    expect(here).toMatch(/^\d+\.\d{3} s$/);
    for (const s of ['heartbeat', 'interrupts', 'iotlb']) expect(Math.abs(parseFloat(await cursorTime(s)) - parseFloat(here))).toBeLessThan(0.1);
    await page.screenshot({ path: join(ensureResultsDir(), 'live-shared-cursor.png') });
    await page.mouse.move(2, 2);
    await page.getByTestId('chart-hover-paused').waitFor({ state: 'detached' });
  });

  it('keeps collecting samples while another area is shown, and draws them on return', async () => {
    const before = await pointsReceived();
    const away = await valuesCaption('heartbeat');
    await page.keyboard.press('Control+1');
    await page.getByRole('tab', { name: 'Configuration', selected: true }).waitFor();
    await page.waitForTimeout(1500);
    await page.keyboard.press('Control+3');
    await page.getByRole('tab', { name: 'Live', selected: true }).waitFor();
    // About 20 samples a second arrived while away (counted on return, not after).
    expect(await pointsReceived()).toBeGreaterThan(before + 15);
    await expect.poll(() => valuesCaption('heartbeat'), { timeout: 10_000 }).not.toBe(away);
    expect(await page.getByTestId('chart-heartbeat').getAttribute('data-state')).toBe('moving');
  });

  const SIZES = [
    { width: 1440, height: 900 },
    { width: 1024, height: 640 },
  ];
  const SCHEMES = ['light', 'dark'] as const;
  it.each(SIZES.flatMap((size) => SCHEMES.map((scheme) => ({ ...size, scheme }))))('is saved as a screenshot at $width×$height in the $scheme theme', async ({ width, height, scheme }) => {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    await page.mouse.move(1, 1);
    // Two samples after the resize and the theme's rebuild, so every chart has redrawn.
    const p0 = await pointsReceived();
    await expect.poll(pointsReceived, { timeout: 10_000 }).toBeGreaterThan(p0 + 2);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ensureResultsDir(), `live-${width}x${height}-${scheme}.png`) });
    await page.getByTestId('chart-heartbeat').screenshot({ path: join(ensureResultsDir(), `live-heartbeat-${width}x${height}-${scheme}.png`) });
    // The area scrolls inside the window: its lower part too.
    await page.locator('.live .totals').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ensureResultsDir(), `live-${width}x${height}-${scheme}-lower.png`) });
    await page.locator('.live h1').scrollIntoViewIfNeeded();
  });

  it('fits its axes at full speed too (events in millions, speeds in the hundreds)', async () => {
    await page.setViewportSize({ width: 1024, height: 640 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('speed-max').click();
    await expect.poll(async () => (await page.getByTestId('chart-heartbeat-values').locator('td').allTextContents())[1], { timeout: 10_000 }).toMatch(/^\d{2,}\.\d{3}×$/);
    await page.waitForTimeout(2500);
    await page.getByTestId('chart-heartbeat').screenshot({ path: join(ensureResultsDir(), 'live-heartbeat-max-1024x640-dark.png') });
    await page.getByTestId('speed-1').click();
  });

  it('had no page or console errors', () => {
    expect(app.errors).toEqual([]);
  });
});
