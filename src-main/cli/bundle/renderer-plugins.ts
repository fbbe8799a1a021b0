/**
 * Two vite plugins for the renderer's build, both about how fast the page starts: the first
 * screen's chunks hinted in the page, and JSON modules as `JSON.parse` of a string.
 */
import { readFile } from 'node:fs/promises';
import type { HtmlTagDescriptor, Plugin } from 'vite';

/**
 * The page's first screen is a lazily imported view (the editor and Monaco, most of the app's
 * bytes). Vite fetches a dynamic chunk only when the entry has run and asked for it; hinting it in
 * the page lets the browser fetch and compile it while the entry loads (about 150 ms sooner).
 */
export function preloadFirstView(view: string): Plugin {
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
/**
 * The module a JSON file becomes: its default export, parsed from one compact string. A file
 * that is not JSON fails here, naming it, so the build stops instead of the page at start.
 */
export function jsonModuleCode(id: string, text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${id}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return `export default JSON.parse(${JSON.stringify(JSON.stringify(value))});`;
}

export function jsonAsParse(): Plugin {
  return {
    name: 'vtdw-json-as-parse',
    enforce: 'pre',
    async load(id) {
      // `?raw`, `?url` and the like keep their own meaning.
      if (!id.endsWith('.json') || id.includes('?')) return null;
      return { code: jsonModuleCode(id, await readFile(id, 'utf8')), moduleType: 'js' };
    },
  };
}
