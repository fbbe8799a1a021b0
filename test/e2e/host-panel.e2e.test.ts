/**
 * The Host panel end to end: Assign device lists the PCI functions of the simulated PC the
 * simulator is running — read over the protocol from the live machine — and choosing another
 * host in the Configuration toolbar powers that machine on, which the panel and the Live area
 * show. The Live area's machine counters stream from the series catalogue.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureResultsDir, openApp, type OpenApp } from './harness.ts';
import { chooseHost } from './editor-helpers.ts';

let app: OpenApp;

beforeAll(async () => {
  app = await openApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the Host panel in Assign device', () => {
  it('lists the seed PC’s devices: the E1000 behind dmar0’s scope on GSI 16', async () => {
    const { page } = app;
    await page.keyboard.press('Control+2');
    await expect.poll(() => page.getByTestId('host-name').innerText(), { timeout: 15_000 }).toBe('seed-core2-q35');
    const nic = page.getByTestId('host-device-0000:02:00.0');
    await nic.waitFor({ timeout: 10_000 });
    const cells = (await nic.locator('td').allInnerTexts()).map((t) => t.trim());
    expect(cells[0]).toBe('0000:02:00.0');
    expect(cells[1]).toBe('Ethernet controller');
    expect(cells[2]).toContain('Intel Corporation');
    expect(cells[2]).toContain('[8086:10b9]');
    expect(cells[3]).toBe('model e1000:82572EI-desktop · host');
    expect(cells[4]).toMatch(/^dmar\d$/);
    expect(cells[5]).toBe('INTA# → GSI 16');
    expect(await page.locator('[data-testid^="host-device-"]').count()).toBe(13);
    await page.screenshot({ path: join(ensureResultsDir(), 'host-panel.png'), fullPage: true });
  });

  it('powers on the host chosen in the Configuration toolbar and lists its devices instead', async () => {
    const { page } = app;
    await page.keyboard.press('Control+1');
    await chooseHost(page, 'laptop-gm965-no-vtd');
    await page.keyboard.press('Control+2');
    await expect.poll(() => page.getByTestId('host-name').innerText(), { timeout: 15_000 }).toBe('laptop-gm965-no-vtd');
    await expect.poll(() => page.locator('[data-testid^="host-device-"] td:nth-child(5)').allInnerTexts(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['none']));
    const units = await page.locator('[data-testid^="host-device-"] td:nth-child(5)').allInnerTexts();
    expect(new Set(units.map((u) => u.trim()))).toEqual(new Set(['none']));
    // Put the seed back for whoever runs next in this browser profile.
    await page.keyboard.press('Control+1');
    await chooseHost(page, 'seed-core2-q35');
  });

  it('shows the machine counters beside the heartbeat in Live', async () => {
    const { page } = app;
    await page.keyboard.press('Control+3');
    await expect.poll(() => page.getByTestId('live-host').innerText(), { timeout: 15_000 }).toBe('seed-core2-q35');
    // The totals the charts' rates come from sit in a disclosure below the charts. A click that a
    // busy page lost is clicked again, never one that opened it (a second would close it).
    const totals = page.locator('details.totals');
    await expect
      .poll(
        async () => {
          if (!(await totals.evaluate((d: HTMLDetailsElement) => d.open))) await page.getByText('Cumulative counters').click();
          return totals.evaluate((d: HTMLDetailsElement) => d.open);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await expect.poll(() => page.getByTestId('series-nic-rxFrames').innerText(), { timeout: 10_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('series-iotlb-iotlbHits').innerText(), { timeout: 10_000 }).toBe('0');
    await page.screenshot({ path: join(ensureResultsDir(), 'live-machine.png'), fullPage: true });
    expect(app.errors).toEqual([]);
  });
});
