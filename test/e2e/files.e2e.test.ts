/**
 * Files in browser mode, as a user meets them: open through the picker, edit (dirty marker),
 * save atomically, refuse to overwrite an outside change, save as a new file, get unsaved
 * text back after a reload, and browse inside the workspace root but not out of it.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, openApp, type OpenApp } from './harness.ts';

const work = mkdtempSync(join(tmpdir(), 'vtdw-files-'));
const state = mkdtempSync(join(tmpdir(), 'vtdw-state-'));
const guestConf = join(work, 'guest.hvm');
writeFileSync(guestConf, "# my guest\nmemory = 256\npci = [ '02:00.0' ]\n");
mkdirSync(join(work, 'more'));
writeFileSync(join(work, 'more', 'other.hvm'), 'memory = 128\n');

let app: OpenApp;
let page: Page;
let errors: string[];

async function editorText(): Promise<string> {
  return (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

async function typeAtEnd(text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  // One input event, as a paste: per-key typing can race the suggest widget.
  await page.keyboard.insertText(text);
}

beforeAll(async () => {
  app = await openApp({ cwd: work, env: { XDG_CONFIG_HOME: state } });
  ({ page, errors } = app);
});

afterAll(() => app?.close());

describe('files in browser mode', () => {
  it('opens a file through the picker', async () => {
    await page.getByTestId('file-open').click();
    const picker = page.getByTestId('file-picker');
    await picker.waitFor();
    await picker.getByRole('option', { name: /guest\.hvm/ }).dblclick();
    await page.getByTestId('doc-tab-guest.hvm').waitFor();
    expect(await editorText()).toContain('memory = 256');
    expect(await page.getByTestId('file-message').innerText()).toBe(`Opened ${guestConf}`);
  });

  it('marks an edited document dirty and saves it atomically with Ctrl+S', async () => {
    await typeAtEnd('vcpus = 2\n');
    await page.getByTestId('doc-tab-guest.hvm').getByTestId('dirty-marker').waitFor();
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('doc-tab-guest.hvm').getByTestId('dirty-marker').count()).toBe(0);
    expect(readFileSync(guestConf, 'utf8')).toBe("# my guest\nmemory = 256\npci = [ '02:00.0' ]\nvcpus = 2\n");
    expect(readdirSync(work).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite a change made on disk by another program', async () => {
    writeFileSync(guestConf, 'memory = 1024\n');
    utimesSync(guestConf, new Date(), new Date(Date.now() + 5000));
    await typeAtEnd('# mine\n');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('file-message').innerText()).toMatch(/changed on disk since it was opened/);
    expect(readFileSync(guestConf, 'utf8')).toBe('memory = 1024\n');
  });

  it('saves as a new file chosen in the picker', async () => {
    await page.getByTestId('file-save-as').click();
    const picker = page.getByTestId('file-picker');
    await picker.waitFor();
    await page.getByTestId('picker-name').fill('copy.hvm');
    await page.getByTestId('picker-confirm').click();
    await page.getByTestId('doc-tab-copy.hvm').waitFor();
    expect(readFileSync(join(work, 'copy.hvm'), 'utf8')).toContain('# mine');
  });

  it('brings unsaved text back after a reload', async () => {
    await page.getByTestId('doc-tab-hvm.conf').click();
    await typeAtEnd('# unsaved thought\n');
    await page.getByTestId('doc-tab-hvm.conf').getByTestId('dirty-marker').waitFor();
    await page.waitForTimeout(1500);
    await page.reload();
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('file-message').innerText()).toMatch(/Restored unsaved changes in hvm\.conf/);
    await page.getByTestId('doc-tab-hvm.conf').click();
    expect(await page.getByTestId('doc-tab-hvm.conf').getByTestId('dirty-marker').count()).toBe(1);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await expect.poll(editorText).toContain('# unsaved thought');
    await page.screenshot({ path: join(ensureResultsDir(), 'files-restored.png') });
  });

  it('the picker shows the workspace root, goes into a folder and back Up, and not above the root', async () => {
    await page.getByTestId('file-open').click();
    const picker = page.getByTestId('file-picker');
    await picker.waitFor();
    await expect.poll(() => picker.getByTestId('picker-root').innerText()).toContain(work);
    const up = picker.getByTitle('Up one folder (Backspace)');
    const folder = picker.getByRole('textbox', { name: 'Folder', exact: true });
    expect(await up.isDisabled()).toBe(true);
    await picker.getByRole('option', { name: /more/ }).dblclick();
    await picker.getByRole('option', { name: /other\.hvm/ }).waitFor();
    expect(await folder.inputValue()).toBe(join(work, 'more'));
    await up.click();
    await picker.getByRole('option', { name: /guest\.hvm/ }).waitFor();
    await page.screenshot({ path: join(ensureResultsDir(), 'files-picker-root.png') });
    await folder.fill('/etc');
    await folder.press('Enter');
    await expect.poll(() => picker.getByRole('alert').innerText()).toMatch(/\/etc: outside the workspace root/);
    await page.keyboard.press('Escape');
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket|409 \(Conflict\)|403 \(Forbidden\)/.test(e))).toEqual([]);
  });
});
