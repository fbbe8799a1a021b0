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
function preloadFirstView(): Plugin {
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
        for (const file of entry.dynamicImports) {
          const chunk = bundle[file];
          if (chunk?.type !== 'chunk') continue;
          tags.push({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' });
          for (const css of chunk.viteMetadata?.importedCss ?? []) tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${css}` }, injectTo: 'head' });
        }
        return tags;
      },
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
    plugins: [vue(), preloadFirstView()],
    build: {
      minify: true,
      chunkSizeWarningLimit: 6000,
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
