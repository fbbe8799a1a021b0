/**
 * Completion in the config editor as a VS Code user reaches for it: Ctrl+Space or just typing
 * opens the list; it holds the chosen era's options with their types and one-line docs, the
 * values an option allows, the host's PCI functions (address, name, owner) inside `pci = [ '…' ]`,
 * and on grub.conf's lines the Xen options of the era and `pciback.hide=`. Picking an item
 * writes it into the file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { goToLineEnd, lineText, suggestions } from './editor-helpers.ts';

let app: OpenApp;
let page: Page;
let errors: string[];

beforeAll(async () => {
  app = await openApp({ env: freshState() });
  ({ page, errors } = app);
  await page.getByTestId('check-era').selectOption('2007');
});

afterAll(() => app?.close());

/** Line 14 of hvm.conf, an empty line the first test makes (the sample's line 13 is blank too). */
const SCRATCH = 14;

/** Empties the scratch line and puts the cursor on it. */
async function onScratchLine(): Promise<void> {
  await goToLineEnd(page, SCRATCH);
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Delete');
  await expect.poll(() => lineText(page, SCRATCH)).toBe('');
}

async function closeList(): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' });
}

describe('completion in hvm.conf', () => {
  it('Ctrl+Space on an empty line lists the era’s options with type, era and a one-line doc', async () => {
    await goToLineEnd(page, SCRATCH - 1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const rows = await suggestions(page);
    const memory = rows.find((r) => r.startsWith('memory '));
    expect(memory).toBe('memory int Initial guest memory in MB.');
    expect(rows.some((r) => r.startsWith('pci '))).toBe(true);
    await page.screenshot({ path: join(ensureResultsDir(), 'completion-options.png') });
    // hpet arrived in Xen 3.3: typing its name under the 2007 rules finds nothing of that name.
    await page.keyboard.type('hpe');
    await expect.poll(async () => (await page.locator('.suggest-widget.visible .monaco-list-row').allInnerTexts()).some((t) => t.startsWith('hpet'))).toBe(false);
    await closeList();
  });

  it('typing opens the list by itself, and picking pci writes the option with its value', async () => {
    await onScratchLine();
    await page.keyboard.type('pc');
    const rows = await suggestions(page);
    expect(rows[0]).toMatch(/^pci list PCI functions to give the guest, e\.g\. \['02:00\.0'\]/);
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, SCRATCH)).toBe("pci = [ '02:00.0' ]");
    // The snippet left 02:00.0 selected, ready to be typed over.
    await page.keyboard.type('00:19.0');
    await expect.poll(() => lineText(page, SCRATCH)).toBe("pci = [ '00:19.0' ]");
    await page.keyboard.press('Escape');
  });

  it('offers the values an enumerated option allows', async () => {
    await onScratchLine();
    await page.keyboard.type("builder = '");
    const rows = await suggestions(page);
    expect(rows).toEqual(['hvm builder value', 'linux builder value']);
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, SCRATCH)).toBe("builder = 'hvm'");
  });

  it('lists the host’s PCI functions inside pci = [ \'…\' ] with their name and owner', async () => {
    await onScratchLine();
    await page.keyboard.insertText("pci = [ '' ]");
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    const rows = await suggestions(page);
    expect(rows[0]).toMatch(/^02:00\.0 pciback \(assignable\) Ethernet controller: Intel 82572EI Gigabit Ethernet Controller/);
    expect(rows.find((r) => r.startsWith('00:1f.2'))).toMatch(/^00:1f\.2 dom0 SATA controller: /);
    await page.screenshot({ path: join(ensureResultsDir(), 'completion-devices.png') });
    await page.keyboard.type('00:1f.2');
    await expect.poll(async () => (await suggestions(page))[0]).toMatch(/^00:1f\.2 /);
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, SCRATCH)).toBe("pci = [ '00:1f.2' ]");
  });
});

describe('completion in grub.conf', () => {
  it('lists the Xen options of the era on the kernel line', async () => {
    await page.getByTestId('doc-tab-grub.conf').click();
    await goToLineEnd(page, 7);
    await page.keyboard.type(' io');
    let rows = await suggestions(page);
    // enable_amd_iommu is 2007 – 3.2 only, iommu= arrived in 3.3.
    expect(rows.some((r) => r.startsWith('enable_amd_iommu'))).toBe(true);
    expect(rows.some((r) => r.startsWith('ioapic_ack'))).toBe(true);
    expect(rows.some((r) => r.startsWith('iommu'))).toBe(false);
    await closeList();
    await page.getByTestId('check-era').selectOption('3.3');
    await goToLineEnd(page, 7);
    await page.keyboard.press('Control+Space');
    rows = await suggestions(page);
    expect(rows.find((r) => r.startsWith('iommu'))).toMatch(/^iommu list IOMMU control, a comma list/);
    await page.keyboard.type('m');
    await expect.poll(async () => (await suggestions(page))[0]).toMatch(/^iommu /);
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, 7)).toMatch(/ iommu=1$/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.getByTestId('check-era').selectOption('2007');
  });

  it('offers pciback.hide= on the dom0 kernel line and the devices inside it', async () => {
    await goToLineEnd(page, 9);
    await page.keyboard.type(' pciback');
    const rows = await suggestions(page);
    expect(rows[0]).toMatch(/^pciback\.hide /);
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, 9)).toBe('    module /boot/initrd-2.6.18.8-xen.img pciback.hide=(02:00.0)');
    await page.screenshot({ path: join(ensureResultsDir(), 'completion-grub.png') });
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
