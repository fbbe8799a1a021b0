// Vitest global setup: one line per optional tool at the top of the run, so a skipped
// comparison is never silent.
import { OPTIONAL_TOOLS } from './optional-tools.ts';

export default function report(): void {
  for (const tool of OPTIONAL_TOOLS) {
    const found = tool.find();
    const line = found
      ? `optional tool ${tool.name}: found (${found.cmd} ${found.version})`
      : `optional tool ${tool.name}: NOT FOUND, tests that need it are skipped: ${tool.skips}. Install: ${tool.install}`;
    process.stdout.write(`${line}\n`);
  }
}
