/**
 * The workstation by keyboard alone, as VS Code users expect it: Ctrl+M makes Tab leave the
 * editor (the status bar says so), Alt+F1 opens the editor's accessibility help, the Recent menu
 * and the Host list follow the WAI-ARIA menu-button and combobox patterns, the skip link leads
 * past the rail, and Tab walks every control without ever dropping focus on the page body.
 */
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { goToLineEnd, lineText } from './editor-helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'vtdw-keys-'));
writeFileSync(join(work, 'alpha.hvm'), "name = 'alpha'\nbuilder = 'hvm'\n");
writeFileSync(join(work, 'beta.hvm'), "name = 'beta'\nbuilder = 'hvm'\n");

let app: OpenApp;
let page: Page;
let errors: string[];

/** What has focus, as a short readable name: test id, role and accessible text. */
async function focused(): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'BODY';
    if (el.closest('.monaco-editor')) return 'editor';
    return el.getAttribute('data-testid') ?? `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}`;
  });
}

async function openThroughPicker(name: string): Promise<void> {
  await page.getByTestId('file-open').click();
  await page.getByTestId('file-picker').getByRole('option', { name: new RegExp(name.replace('.', '\\.')) }).dblclick();
  await page.getByTestId(`doc-tab-${name}`).waitFor();
}

beforeAll(async () => {
  app = await openApp({ cwd: work, env: freshState() });
  ({ page, errors } = app);
  // Two recent files for the menu to move between.
  await openThroughPicker('alpha.hvm');
  await openThroughPicker('beta.hvm');
  await page.getByTestId('doc-tab-hvm.conf').click();
});

afterAll(() => app?.close());

describe('the editor and Tab', () => {
  it('inserts spaces on Tab until Ctrl+M, then Tab leaves the editor and the status bar says so', async () => {
    await goToLineEnd(page, 13);
    await page.keyboard.press('Tab');
    await expect.poll(() => lineText(page, 13)).toBe('    ');
    expect(await focused()).toBe('editor');
    expect(await page.getByTestId('status-tab-focus').count()).toBe(0);

    await page.keyboard.press('Control+m');
    await page.getByTestId('status-tab-focus').waitFor();
    expect(await page.getByTestId('status-tab-focus').innerText()).toBe('Tab Moves Focus');
    await page.screenshot({ path: join(ensureResultsDir(), 'keyboard-tab-moves-focus.png') });
    await page.keyboard.press('Tab');
    expect(await focused()).not.toBe('editor');
    expect(await lineText(page, 13)).toBe('    ');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('editor');

    await page.keyboard.press('Control+m');
    await expect.poll(() => page.getByTestId('status-tab-focus').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => lineText(page, 13)).toBe('');
  });

  it('opens the accessibility help on Alt+F1 and gives focus back to the editor on Escape', async () => {
    await goToLineEnd(page, 13);
    await page.keyboard.press('Alt+F1');
    const help = page.getByTestId('accessibility-help');
    await help.waitFor();
    expect(await help.getAttribute('role')).toBe('dialog');
    expect(await help.innerText()).toContain('editing hvm.conf, checked against 2007 xen-unstable (seed VT-d patches) on seed-core2-q35');
    expect(await focused()).toBe('accessibility-help-close');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('accessibility-help-close');
    await page.screenshot({ path: join(ensureResultsDir(), 'keyboard-accessibility-help.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect(await focused()).toBe('editor');
  });
});

describe('menus and lists by keyboard', () => {
  it('opens Recent with Enter or ArrowDown, moves with the arrows, and Escape returns to the button', async () => {
    await page.getByTestId('file-recent').focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Recent' });
    await menu.waitFor();
    expect(await page.getByTestId('file-recent').getAttribute('aria-expanded')).toBe('true');
    // Name, then its folder (what a screen reader reads: "beta.hvm, in /tmp/…").
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items.map((t) => t.trim())).toEqual([`beta.hvm, in${work}`, `alpha.hvm, in${work}`]);
    expect(await focused()).toBe(`menuitem-${join(work, 'beta.hvm')}`);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(`menuitem-${join(work, 'alpha.hvm')}`);
    await page.screenshot({ path: join(ensureResultsDir(), 'keyboard-recent-menu.png') });
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(`menuitem-${join(work, 'beta.hvm')}`);
    await page.keyboard.press('End');
    expect(await focused()).toBe(`menuitem-${join(work, 'alpha.hvm')}`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focused()).toBe('file-recent');
    expect(await page.getByTestId('file-recent').getAttribute('aria-expanded')).toBe('false');
  });

  it('leaves the open menu with Tab to the next control, and Space on an item opens that file', async () => {
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menu', { name: 'Recent' }).waitFor();
    await page.keyboard.press('Tab');
    await page.getByRole('menu', { name: 'Recent' }).waitFor({ state: 'detached' });
    expect(await focused()).toBe('file-save');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('file-recent');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(`menuitem-${join(work, 'alpha.hvm')}`);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('doc-tab-alpha.hvm').getAttribute('aria-selected')).toBe('true');
  });

  it('chooses a host from the Host list with the arrows, each shown with its description', async () => {
    const combo = page.getByTestId('check-host');
    await combo.focus();
    await page.keyboard.press('ArrowDown');
    const list = page.getByRole('listbox', { name: 'Host' });
    await list.waitFor();
    const options = await list.getByRole('option').allInnerTexts();
    expect(options.map((o) => o.split('\n')[0].trim())).toEqual(['desktop-q35-pci-bridge', 'laptop-gm965-no-vtd', 'seed-core2-q35', 'server-2drhd-5520']);
    expect(await list.getByRole('option', { selected: true }).innerText()).toContain('seed-core2-q35');
    expect(options[1]).toContain('A 2007 Santa Rosa laptop');
    expect(options[3]).toContain('A two-socket Xeon server with two I/O hubs and two VT-d remapping units');
    expect(await focused()).toBe('check-host');
    await page.screenshot({ path: join(ensureResultsDir(), 'keyboard-host-list.png') });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await list.waitFor({ state: 'hidden' });
    expect(await combo.innerText()).toContain('server-2drhd-5520');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    expect(await combo.innerText()).toContain('server-2drhd-5520');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await combo.innerText()).toContain('seed-core2-q35');
  });

  it('moves between document tabs with the arrow keys', async () => {
    await page.getByTestId('doc-tab-hvm.conf').click();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('doc-tab-grub.conf');
    expect(await page.getByTestId('doc-tab-grub.conf').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await focused()).toBe('doc-tab-hvm.conf');
  });
});

describe('Tab through the whole window', () => {
  it('starts at a skip link that leads past the rail', async () => {
    await page.reload();
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:Skip to content');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('file-open');
  });

  it('reaches every control and never drops focus on the page body', async () => {
    await page.getByTestId('doc-tab-hvm.conf').click();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+m');
    await page.getByTestId('status-tab-focus').waitFor();
    await page.getByTestId('file-open').focus();
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      seen.push(f);
      if (f === 'file-open') break;
    }
    expect(seen).not.toContain('BODY');
    expect(seen).toEqual(['file-recent', 'file-save', 'file-save-as', 'check-era', 'check-host', 'doc-tab-hvm.conf', 'editor', 'status-tab-focus', 'a:Skip to content', 'tab:⚙Configuration', 'file-open']);
    expect(seen.at(-1)).toBe('file-open');
    await page.keyboard.press('Control+m');
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
