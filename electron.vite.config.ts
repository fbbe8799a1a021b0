import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import { bundleCli } from './src-main/cli/bundle/plugin.ts';

const root = import.meta.dirname;

/**
 * The page's first screen is a lazily imported view (the editor and Monaco, most of the app's
 * bytes). Vite fetches a dynamic chunk only when the entry has run and asked for it; hinting it in
 * the page lets the browser fetch and compile it while the entry loads (about 150 ms sooner).
 */
function preloadFirstView(view: string): Plugin {
  return {
    name: 'vtdw-preload-first-view',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
        if (!entry || entry.type !== 'chunk') return [];
        const tags: HtmlTagDescriptor[] = [];
        // The view's chunk and every chunk it imports (Monaco comes in several), once each.
        const seen = new Set<string>([entry.fileName, ...entry.imports]);
        const visit = (file: string): void => {
          const chunk = bundle[file];
          if (seen.has(file) || chunk?.type !== 'chunk') return;
          seen.add(file);
          tags.push({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' });
          for (const css of chunk.viteMetadata?.importedCss ?? []) tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${css}` }, injectTo: 'head' });
          chunk.imports.forEach(visit);
        };
        // Only the first screen's view: the others (Live with its charts) load when first shown.
        entry.dynamicImports.filter((f) => bundle[f]?.name === view).forEach(visit);
        return tags;
      },
    },
  };
}

/**
 * JSON modules as `JSON.parse('…')` rather than object literals. The renderer imports the host
 * profiles (about 450 kB of config-space bytes) and the xm option history; as literals V8 must
 * parse and build them as code before the editor can start, while JSON.parse reads the same text
 * several times faster (V8's own advice for large data). Vite's `json.stringify` does this for the
 * dev server but not for the bundled build, so the build gets it here.
 */
function jsonAsParse(): Plugin {
  return {
    name: 'vtdw-json-as-parse',
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith('.json') || id.includes('?')) return null;
      const text = await readFile(id, 'utf8');
      // Parsed here first so a malformed file fails the build naming it, not the page at start.
      const compact = JSON.stringify(JSON.parse(text));
      return { code: `export default JSON.parse(${JSON.stringify(compact)});`, moduleType: 'js' };
    },
  };
}

export default defineConfig({
  main: {
    plugins: [bundleCli(root)],
    build: {
      // valibot is bundled so out/main/sim.js is self-contained and runs under plain Node too.
      externalizeDeps: { exclude: ['valibot'] },
      rollupOptions: {
        input: {
          index: resolve(root, 'src-main/index.ts'),
          sim: resolve(root, 'src-sim/host/utility-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        // A sandboxed preload cannot load ES modules or sibling files: one CJS bundle.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    // Relative asset URLs: the page is served below /t/TOKEN/ in browser mode and app:// in Electron.
    base: './',
    // Every component is <script setup>: Vue's Options API support is left out of the bundle.
    plugins: [vue({ features: { optionsAPI: false } }), preloadFirstView('ConfigurationView'), jsonAsParse()],
    build: {
      minify: true,
      chunkSizeWarningLimit: 6000,
      // One stylesheet for the whole page. Split, the first screen asked for six (the shell's,
      // the view's and one per Monaco piece) beside its seven scripts, and a browser opens at
      // most six connections to a host: Monaco's scripts, the longest to compile, queued
      // behind stylesheets. All of it is needed at start anyway (Monaco's is most of it).
      cssCodeSplit: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
        output: {
          charset: 'ascii',
          // Monaco is most of the page's code. In one 3.9 MB file the browser parses it on one
          // background thread (~300 ms on our 2-core machines) while the page waits; in five
          // pieces it parses them on several threads at once. The pieces follow VS Code's
          // layers (base ← platform ← editor/common ← editor/browser ← the rest), which import
          // only downward, so no chunk imports one that imports it back: a cycle between
          // chunks would run a module before the class it extends is defined.
          codeSplitting: {
            groups: [
              // Vite's preload helper serves the shell's chunk too: it must not be captured by
              // a Monaco piece, or the shell would wait for Monaco to run.
              { name: 'preload-helper', test: /preload-helper/, priority: 6 },
              { name: 'monaco-base', test: /monaco-editor[\\/]esm[\\/]vs[\\/](base[\\/]|[^\\/]+\.js$)/, priority: 5 },
              { name: 'monaco-platform', test: /monaco-editor[\\/]esm[\\/]vs[\\/]platform[\\/]/, priority: 4 },
              { name: 'monaco-editor-common', test: /monaco-editor[\\/]esm[\\/]vs[\\/]editor[\\/]common[\\/]/, priority: 3 },
              { name: 'monaco-editor-browser', test: /monaco-editor[\\/]esm[\\/]vs[\\/]editor[\\/]browser[\\/]/, priority: 2 },
              { name: 'monaco-editor', test: /monaco-editor[\\/]/, priority: 1 },
            ],
          },
        },
      },
    },
  },
});
