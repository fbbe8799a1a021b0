/**
 * The config language services in the real editor: a mistake typed into hvm.conf gets a marker
 * and a row in Problems, and the quick fix puts it right.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, openApp, type OpenApp } from './harness.ts';

let app: OpenApp;
let page: Page;
let errors: string[];

async function lineText(n: number): Promise<string> {
  return page.evaluate((line) => {
    const rows = [...document.querySelectorAll('.monaco-editor .view-line')] as HTMLElement[];
    const nums = [...document.querySelectorAll('.monaco-editor .line-numbers')] as HTMLElement[];
    const tops = new Map(nums.map((el) => [el.parentElement!.style.top, el.textContent!.trim()]));
    const row = rows.find((r) => tops.get(r.style.top) === String(line));
    return (row?.textContent ?? '').replace(/\u00a0/g, ' ');
  }, n);
}

async function goToLineEnd(line: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

beforeAll(async () => {
  app = await openApp({ env: { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'vtdw-state-')) } });
  ({ page, errors } = app);
});

afterAll(() => app?.close());

describe('hvm.conf in the editor', () => {
  it('starts with the sample checking clean', async () => {
    await expect.poll(() => page.getByTestId('problem-summary').innerText(), { timeout: 10_000 }).toBe('0 errors, 0 warnings');
  });

  it('marks apic = 1 as the 2007 patch’s PIC-only mistake, and the quick fix sets it back', async () => {
    await goToLineEnd(32);
    expect(await lineText(32)).toBe('apic = 0');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText('1');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('problem-seed-pic-mode').waitFor();
    expect(await page.getByTestId('problem-summary').innerText()).toBe('1 error, 0 warnings');
    await page.screenshot({ path: join(ensureResultsDir(), 'config-marker.png') });

    await page.getByTestId('problem-seed-pic-mode').click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ensureResultsDir(), 'config-quickfix.png') });
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(32)).toBe('apic = 0');
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('problem-summary').innerText()).toBe('0 errors, 0 warnings');
  });

  it('offers the did-you-mean fix for a misspelt option', async () => {
    await goToLineEnd(18);
    await page.keyboard.press('Shift+Home');
    // One input event, as a paste: per-key typing races the suggest widget on a loaded machine.
    await page.keyboard.insertText('mmeory = 512');
    expect(await lineText(18)).toBe('mmeory = 512');
    await page.getByTestId('problem-unknown-option').waitFor({ timeout: 10_000 });
    await page.getByTestId('problem-unknown-option').click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.action-widget').first().innerText()).toContain("Rename to 'memory'");
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(18)).toBe('memory = 512');
  });

  it('fixes a device dom0 still owns by editing grub.conf, from the guest config', async () => {
    await page.getByTestId('doc-tab-grub.conf').click();
    await goToLineEnd(8);
    expect(await lineText(8)).toContain('pciback.hide=(02:00.0)');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.insertText('    module /boot/vmlinuz-2.6.18.8-xen ro root=/dev/sda1');
    await page.getByTestId('doc-tab-hvm.conf').click();
    await page.getByTestId('problem-pci-not-hidden').waitFor({ timeout: 10_000 });
    await page.getByTestId('problem-pci-not-hidden').click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.action-widget').first().innerText()).toContain('Hide 02:00.0 from dom0');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('problem-pci-not-hidden').count(), { timeout: 10_000 }).toBe(0);
    await page.getByTestId('doc-tab-grub.conf').click();
    await expect.poll(() => lineText(8)).toContain('pciback.hide=(02:00.0)');
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
