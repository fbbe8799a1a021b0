/**
 * The seed's recipe in the app: with the sample grub.conf and hvm.conf open, Assign device boots
 * the host, creates the guest — the Console shows the guest's first received frame and the
 * Hypercalls panel the four hypercalls of the seed's patches — and destroys it, the Host panel
 * following who holds the E1000 all along. Then the `apic = 1` mistake typed into hvm.conf: the
 * guest gets no interrupt, the failure says so and links back to the apic line.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { goToLineEnd, lineText } from './editor-helpers.ts';
import { describeViolations, runAxe } from './axe.ts';

let app: OpenApp;
let page: Page;

const owner = () => page.getByTestId('host-device-0000:02:00.0').locator('td').nth(3).innerText();
const shot = (name: string) => page.screenshot({ path: join(ensureResultsDir(), name), fullPage: true });

beforeAll(async () => {
  app = await openApp({ env: freshState(), viewport: { width: 1280, height: 1500 } });
  page = app.page;
});

afterAll(() => app?.close());

describe('running the seed files in Assign device', () => {
  it('boots the host from grub.conf: pciback holds the E1000', async () => {
    await expect.poll(() => page.getByTestId('problem-summary').innerText(), { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    await page.keyboard.press('Control+2');
    await page.getByTestId('run-boot').click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 20_000 }).toMatch(/^Xen running/);
    await expect.poll(owner, { timeout: 10_000 }).toContain('dom0 pciback (hidden)');
    await expect.poll(() => page.getByTestId('console-count').innerText()).toMatch(/^[1-9]\d* of/);
  });

  it('creates the guest: its first frame arrives, after the four VT-d hypercalls, and the guest holds the E1000', async () => {
    await page.getByTestId('run-create').click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 30_000 }).toBe('dom1 fc5-vtd running · first packet received');
    await expect.poll(owner, { timeout: 10_000 }).toContain('guest dom1 (fc5-vtd)');
    for (const op of ['assign_device', 'ioport_mapping', 'bind_pt_irq', 'memory_mapping']) {
      const row = page.getByTestId(`hypercall-XEN_DOMCTL_${op}`).first();
      await row.waitFor({ timeout: 10_000 });
      expect(await row.getByTestId('hypercall-result').innerText()).toBe('0');
    }
    await page.getByTestId('console-source').selectOption('sim');
    await expect.poll(() => page.getByTestId('console-lines').innerText(), { timeout: 10_000 }).toContain('dom1 eth0: first frame received');
    await page.getByTestId('run-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('xen-run-first-packet.png');
    await page.getByTestId('console-source').selectOption('');
  });

  it('destroys the guest: the E1000 goes back to pciback', async () => {
    await page.getByTestId('run-destroy').click();
    await expect.poll(() => page.getByTestId('run-state').innerText(), { timeout: 10_000 }).toMatch(/no guest$/);
    await expect.poll(owner, { timeout: 10_000 }).toContain('dom0 pciback (hidden)');
    await page.getByTestId('hypercall-XEN_DOMCTL_destroydomain').first().waitFor({ timeout: 10_000 });
  });

  it('with apic = 1 typed into hvm.conf the guest gets no interrupt; the failure links to the apic line', async () => {
    await page.keyboard.press('Control+1');
    await goToLineEnd(page, 32);
    expect(await lineText(page, 32)).toBe('apic = 0');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText('1');
    await expect.poll(() => lineText(page, 32)).toBe('apic = 1');

    await page.keyboard.press('Control+2');
    await page.getByTestId('run-create').click();
    const banner = page.getByTestId('run-failure');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.innerText()).toMatch(/The guest’s first packet failed in hvm\.conf:32/);
    expect(await page.getByTestId('run-failure-message').innerText()).toMatch(/no frame reached the guest's e1000 driver .*apic = 1 puts the guest in IO-APIC mode/s);
    await page.getByTestId('run-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    // The Console follows the tail: the second guest's lines are in view.
    await expect.poll(() => page.getByTestId('console-lines').innerText()).toMatch(/dom2 .*e1000_probe/);
    await shot('xen-run-apic-failure.png');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(describeViolations(bad), `axe in the ${scheme} theme with the failure, Console and Hypercalls filled`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard only: Tab from Create guest reaches the link to the line; Enter follows it.
    await page.getByTestId('run-create').focus();
    for (let i = 0; i < 5 && !(await page.getByTestId('run-failure-open').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#tab-configuration').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null)).toBe(true);
    await expect.poll(() => page.getByTestId('editor-cursor').innerText()).toBe('Ln 32, Col 1');
    await shot('xen-run-apic-editor.png');
    expect(app.errors).toEqual([]);
  });
});
