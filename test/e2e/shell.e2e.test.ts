/**
 * The walking skeleton end to end in real Chromium: browser mode starts on a free port, the page
 * connects, Monaco is up, the heartbeat streams into the chart and virtual time advances; the
 * simulator is killed, the UI says so, reconnects and streams again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureResultsDir, launchBrowser, startServe, watchErrors, type ServeProcess } from './harness.ts';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let errors: string[];

async function virtualTime(): Promise<string> {
  return (await page.getByTestId('status-virtual-time').innerText()).trim();
}

async function pointsReceived(): Promise<number> {
  return Number(await page.getByTestId('points-received').innerText());
}

beforeAll(async () => {
  serve = await startServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('the app shell in browser mode', () => {
  it('connects to the simulator and shows the protocol version', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('status-connection').innerText(), { timeout: 15_000 }).toBe('Simulator connected (browser mode)');
    expect(await page.getByTestId('status-protocol').innerText()).toMatch(/^protocol v2 · sim \d+\.\d+\.\d+$/);
  });

  it('offers the four areas and loads Monaco with the hvm.conf model', async () => {
    const tabs = await page.getByRole('tab').allInnerTexts();
    expect(tabs.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(expect.arrayContaining(['⚙ Configuration', '⇄ Assign device', '∿ Live', '☰ Runs']));
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 15_000 });
    const text = (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
    expect(text).toContain("pci = [ '02:00.0' ]");
    await page.screenshot({ path: join(ensureResultsDir(), 'shell-configuration.png') });
  });

  it('streams the heartbeat into the chart while virtual time advances', async () => {
    await page.keyboard.press('Control+3');
    await page.getByTestId('chart-heartbeat').locator('.uplot canvas').waitFor({ timeout: 10_000 });
    const t0 = await virtualTime();
    const p0 = await pointsReceived();
    await expect.poll(pointsReceived, { timeout: 10_000 }).toBeGreaterThan(p0 + 5);
    await expect.poll(virtualTime, { timeout: 10_000 }).not.toBe(t0);
    await page.screenshot({ path: join(ensureResultsDir(), 'shell-live.png') });
  });

  it('reports a killed simulator, reconnects, and streams again', async () => {
    const [pid] = serve.simPids();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await page.getByTestId('banner-lost').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('banner-lost').innerText()).toContain('simulator killed by SIGKILL');
    await page.getByTestId('banner-restarted').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('status-connection').innerText()).toBe('Simulator connected (browser mode)');
    expect(serve.simPids()).toHaveLength(2);
    const p1 = await pointsReceived();
    await expect.poll(pointsReceived, { timeout: 10_000 }).toBeGreaterThan(p1 + 5);
    await page.screenshot({ path: join(ensureResultsDir(), 'shell-after-restart.png') });
  });

  it('had no page or console errors beyond the reported disconnect', () => {
    // Chromium logs the WebSocket close of a killed simulator as a console error; nothing else may appear.
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
