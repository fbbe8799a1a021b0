/**
 * The config language services in the real editor: a mistake typed into hvm.conf gets a marker
 * and a row in Problems, and the quick fix puts it right.
 */
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, openApp, type OpenApp } from './harness.ts';
import { chooseHost, goToLineEnd as goToLineEndOf, lineText as lineTextOf } from './editor-helpers.ts';

let app: OpenApp;
let page: Page;
let errors: string[];

const lineText = (n: number) => lineTextOf(page, n);
const goToLineEnd = (line: number) => goToLineEndOf(page, line);

const work = mkdtempSync(join(tmpdir(), 'vtdw-guests-'));
writeFileSync(join(work, 'second.hvm'), "name = 'second'\nbuilder = 'hvm'\nmemory = 256\npci = [ '02:00.0' ]\nacpi = 0\napic = 0\n");

beforeAll(async () => {
  app = await openApp({ cwd: work, env: { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'vtdw-state-')) } });
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
    await expect.poll(() => lineText(18)).toBe('mmeory = 512');
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

  it('checks by the era and host chosen in the toolbar', async () => {
    await page.getByTestId('doc-tab-grub.conf').click();
    await page.getByTestId('check-era').selectOption('4.0');
    await page.getByTestId('problem-xen-vtd-renamed').waitFor({ timeout: 10_000 });
    await page.getByTestId('check-era').selectOption('2007');
    await expect.poll(() => page.getByTestId('problem-xen-vtd-renamed').count(), { timeout: 10_000 }).toBe(0);
    await page.getByTestId('doc-tab-hvm.conf').click();
    await chooseHost(page, 'laptop-gm965-no-vtd');
    await page.getByTestId('problem-pci-absent').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ensureResultsDir(), 'config-host-laptop.png') });
    await chooseHost(page, 'seed-core2-q35');
    await expect.poll(() => page.getByTestId('problem-pci-absent').count(), { timeout: 10_000 }).toBe(0);
  });

  it('says when a second open guest takes the same device', async () => {
    await page.getByTestId('file-open').click();
    await page.getByTestId('file-picker').getByRole('option', { name: /second\.hvm/ }).dblclick();
    await page.getByTestId('doc-tab-second.hvm').waitFor();
    await page.getByTestId('problem-pci-two-guests').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('problem-pci-two-guests').innerText()).toContain('0000:02:00.0 is already given to hvm.conf');
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
