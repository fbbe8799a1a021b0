import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { bundleCli } from './src-main/cli/bundle/plugin.ts';
import { jsonAsParse, preloadFirstView } from './src-main/cli/bundle/renderer-plugins.ts';

const root = import.meta.dirname;

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
