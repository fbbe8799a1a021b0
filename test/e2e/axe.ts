/**
 * axe-core in the page: its source is injected as a script (the page's CSP allows only its own
 * scripts, so it goes in through the DevTools protocol, not a <script src>), then `axe.run` is
 * called on the document. Results are reduced to what a report needs: rule, impact, how many
 * nodes and the first few targets.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: number;
  targets: string[];
  /** What the failing check measured on the first nodes (e.g. colours and contrast ratio). */
  data: string[];
}

export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Node = { target: string[]; any: { data?: unknown }[]; all: { data?: unknown }[] };
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: Node[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    const data = (n: Node) => JSON.stringify([...n.any, ...n.all].map((c) => c.data).filter(Boolean));
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ')), data: v.nodes.slice(0, 4).map(data) }));
  });
}

/** "serious color-contrast ×3 (…)" lines, for a readable failure message and the report. */
export function describeViolations(vs: AxeViolation[]): string[] {
  return vs.map((v) => `${v.impact} ${v.id} ×${v.nodes}: ${v.help} — ${v.targets.map((t, i) => `${t} ${v.data[i] ?? ''}`).join(', ')}`);
}
