import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const root = import.meta.dirname;

export default defineConfig({
  main: {
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
    plugins: [vue()],
    build: {
      minify: true,
      chunkSizeWarningLimit: 6000,
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
