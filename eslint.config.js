// Lint, including the layering table: who may import what. Violations are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import { posix, relative, sep } from 'node:path';

const nodeBuiltins = [
  { regex: '^node:', message: 'Node built-ins are for hosts only (src-sim/host, src-main).' },
  {
    regex: '^(fs|path|os|child_process|worker_threads|net|http|https|crypto|url|util|stream|events|perf_hooks)(/.*)?$',
    message: 'Node built-ins are for hosts only (src-sim/host, src-main).',
  },
];
const uiAndHosts = ['electron', 'vue', 'pinia', 'ws', 'monaco-editor', 'uplot', 'playwright-core'].map((name) => ({
  name,
  message: 'The simulator core and shared code run in every process: no UI, Electron or host libraries.',
}));
const wallClock = [
  { object: 'Date', property: 'now', message: 'Use virtual time (engine.now); the wall clock lives in src-sim/host.' },
  { object: 'performance', property: 'now', message: 'Use virtual time (engine.now); the wall clock lives in src-sim/host.' },
  { object: 'Math', property: 'random', message: 'Use a named seeded stream (sim.rng.stream(name)).' },
];
const timers = ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
  name,
  message: 'Schedule a Timer on the engine; pacing against the wall clock lives in src-sim/host.',
}));

// Nothing the product or its tests read may live outside the repository: a sibling `shared/`
// folder, a home directory or one machine's workspace. (System files such as /dev/zero in a
// bad-input test are fine; they are not in this list.) test/unit/repo/outside-paths.test.ts
// checks the files ESLint does not read (package.json, tsconfig, .ci).
export const OUTSIDE_PATH = String.raw`\.\.[\x5c\x2f]shared([\x5c\x2f]|$)|^(\x2fwork|\x2fhome|\x2froot|\x2fUsers)\x2f|^~\x2f`;
const outsidePaths = [
  { selector: `Literal[value=/${OUTSIDE_PATH}/]`, message: 'Reads outside the repository: copy the file into test/fixtures or resources (with its source).' },
  { selector: `TemplateElement[value.raw=/${OUTSIDE_PATH}/]`, message: 'Reads outside the repository: copy the file into test/fixtures or resources (with its source).' },
];

const corePatterns = [
  ...nodeBuiltins,
  { group: ['**/src-renderer/**', '**/src-main/**', '**/src-preload/**', '**/host/**'], message: 'The core imports no host or UI code.' },
];

/**
 * Layers inside src-sim. The hypervisor stack is toolstack → qemu → xen → hw → engine: each
 * folder imports only the folders listed for it (and src-shared), nothing upward; hw never
 * imports xen. Guest OS models (src-sim/guest) reach hardware only through its accessors
 * (config cycles, I/O ports, MMIO, DMA-visible memory) and may read the hardware's register
 * vocabulary (`*_regs.ts`: offsets and bit names, as a real driver has its own header). The
 * toolstack runs in dom0's user space, so it reads dom0's kernel interfaces (src-sim/guest: the
 * sysfs files xend reads) and picks the guest image xm boots. metrics reads hw and engine; world
 * assembles everything; host (the process entry) may import all of them.
 *
 * Imports are resolved against the importing file, so a folder of the same name deeper down
 * (Linux's own drivers/xen inside a guest model) is not mistaken for the layer.
 */
const SIM_LAYERS = {
  world: ['toolstack', 'qemu', 'xen', 'guest', 'metrics', 'hw', 'engine'],
  toolstack: ['qemu', 'xen', 'guest', 'hw', 'engine'],
  qemu: ['xen', 'hw', 'engine'],
  xen: ['hw', 'engine'],
  guest: ['engine'],
  metrics: ['hw', 'engine'],
  hw: ['engine'],
  engine: [],
};
/** What a guest model may import of hw: the accessors and register vocabularies, not devices. */
const GUEST_HW = /^hw\/(pci\/pci-access\.ts|bus\/.*|memory\/phys-mem\.ts|.*_regs\.ts|.*\/pci-regs\.ts)$/;

const simLayers = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = relative(context.cwd, context.filename).split(sep).join('/');
    const own = /^src-sim\/([^/]+)\//.exec(file)?.[1];
    if (!own || !(own in SIM_LAYERS)) return {};
    const allowed = SIM_LAYERS[own];
    const said = `src-sim/${own} may import only ${allowed.length ? allowed.map((f) => `src-sim/${f}`).join(', ') : 'itself'} and src-shared (layers: toolstack → qemu → xen → hw → engine, nothing upward; hw never imports xen)`;
    const check = (node) => {
      const spec = node?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      const m = /^src-sim\/([^/]+)\/(.*)$/.exec(target);
      if (!m || m[1] === own || !(m[1] in SIM_LAYERS)) return;
      if (own === 'guest' && m[1] === 'hw') {
        if (!GUEST_HW.test(`hw/${m[2]}`)) context.report({ node, message: 'A guest OS model talks to hardware only through accessors (hw/pci/pci-access.ts, hw/bus, hw/memory/phys-mem.ts) and register vocabularies (*_regs.ts).' });
        return;
      }
      if (!allowed.includes(m[1])) context.report({ node, message: said });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export default defineConfig([
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['test/e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  // Tests fake wire data on purpose; `any` there is a probe, not a type hole in the product.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },

  // Simulator core and shared code: pure TypeScript, no hosts, no clocks, no unseeded randomness.
  {
    files: ['src-sim/**/*.ts', 'src-shared/**/*.ts'],
    ignores: ['src-sim/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: uiAndHosts,
          patterns: corePatterns,
        },
      ],
      'no-restricted-properties': ['error', ...wallClock],
      'no-restricted-globals': ['error', ...timers, { name: 'window', message: 'No DOM in the core.' }, { name: 'document', message: 'No DOM in the core.' }, { name: 'process', message: 'No Node in the core.' }],
      'no-console': 'error',
    },
  },
  // Layers inside the simulator core.
  { files: ['src-sim/**/*.ts'], ignores: ['src-sim/host/**'], plugins: { vtdw: { rules: { 'sim-layers': simLayers } } }, rules: { 'vtdw/sim-layers': 'error' } },
  // Shared code imports nothing outside src-shared.
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: uiAndHosts,
          patterns: [...nodeBuiltins, { group: ['**/src-sim/**', '**/src-renderer/**', '**/src-main/**', '**/src-preload/**'], message: 'src-shared imports nothing outside itself.' }],
        },
      ],
    },
  },
  // The simulator's hosts may use Node, but not the UI or Electron's main-process modules.
  {
    files: ['src-sim/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'vue', 'pinia', 'monaco-editor', 'uplot'].map((name) => ({ name, message: 'The simulator process has no UI; Electron objects arrive as parentPort.' })),
          patterns: [{ group: ['**/src-renderer/**', '**/src-main/**', '**/src-preload/**'], message: 'The simulator never imports app or UI code.' }],
        },
      ],
    },
  },
  // Renderer: browser code that speaks only the protocol.
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is sandboxed: use the preload bridge (window.vtdw).' }, { name: 'ws', message: 'Use the browser WebSocket.' }],
          patterns: [...nodeBuiltins, { group: ['**/src-sim/**', '**/src-main/**'], message: 'The renderer talks to the simulator only through src-shared/protocol.' }],
        },
      ],
    },
  },
  // Main and preload broker; they never import the renderer or the simulator's internals.
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts'],
    ignores: ['src-main/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src-renderer/**'], message: 'Main does not import the renderer.' }, { group: ['**/src-sim/**'], message: 'Main forks the simulator; it does not import it.' }] },
      ],
    },
  },
  // The CLI may enter the simulator only through src-sim/host's headless door.
  {
    files: ['src-main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-renderer/**'], message: 'The CLI does not import the renderer.' },
            { regex: 'src-sim/(?!host/headless\\.ts$)', message: 'The CLI reaches the simulator only through src-sim/host/headless.ts.' },
          ],
        },
      ],
    },
  },
  // Every file ESLint reads, product and tests alike.
  { files: ['**/*.ts', '**/*.vue', '**/*.js', '**/*.mjs'], rules: { 'no-restricted-syntax': ['error', ...outsidePaths] } },
]);
