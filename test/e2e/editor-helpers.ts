/**
 * Reading and moving around the Monaco editor from outside, as a user sees it: a line's text as
 * rendered, the cursor moved with the keyboard, the suggest widget's rows.
 */
import type { Page } from 'playwright-core';

/** The rendered text of line `n` (it must be on screen), with Monaco's no-break spaces as spaces. */
export async function lineText(page: Page, n: number): Promise<string> {
  return page.evaluate((line) => {
    const rows = [...document.querySelectorAll('.monaco-editor .view-line')] as HTMLElement[];
    const nums = [...document.querySelectorAll('.monaco-editor .line-numbers')] as HTMLElement[];
    const tops = new Map(nums.map((el) => [el.parentElement!.style.top, el.textContent!.trim()]));
    const row = rows.find((r) => tops.get(r.style.top) === String(line));
    return (row?.textContent ?? '').replace(/\u00a0/g, ' ');
  }, n);
}

/** Clicks into the editor and puts the cursor at the end of line `line` with the keyboard. */
export async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

/** The suggest widget's rows as the user reads them: label, then its dimmed and right-hand parts. */
export async function suggestions(page: Page): Promise<string[]> {
  const widget = page.locator('.suggest-widget.visible');
  await widget.waitFor({ timeout: 10_000 });
  await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 10_000 });
  // The list is virtual: rows are positioned, not in DOM order; data-index is the list order.
  const rows = await widget.locator('.monaco-list-row').evaluateAll((els) => els.map((el) => [Number(el.getAttribute('data-index')), (el as HTMLElement).innerText] as const));
  return rows.sort((a, b) => a[0] - b[0]).map(([, t]) => t.replace(/\s+/g, ' ').trim());
}

/** The row the suggest widget has focused (what Enter would insert). */
export async function focusedSuggestion(page: Page): Promise<string> {
  const row = page.locator('.suggest-widget.visible .monaco-list-row.focused');
  await row.waitFor({ timeout: 10_000 });
  return (await row.innerText()).replace(/\s+/g, ' ').trim();
}

/** Picks a host in the toolbar's Host list, as a mouse user does. */
export async function chooseHost(page: Page, id: string): Promise<void> {
  await page.getByTestId('check-host').click();
  await page.getByTestId(`host-option-${id}`).click();
  await page.getByTestId('check-host').filter({ hasText: id }).waitFor();
}
