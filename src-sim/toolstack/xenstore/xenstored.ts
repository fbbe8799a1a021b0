/**
 * xenstored in dom0 (tools/xenstore/xenstored_core.c), the parts the split network drivers use:
 * a tree of string nodes, reads, writes (creating parents), rm of a subtree, directory listing
 * and watches — a watch fires with the changed path for every change at or below the watched
 * node. Permissions and transactions are not modelled: xend and the drivers here never race.
 */
import { checkVersion } from '../../engine/snapshot.ts';
import type { Xenbus } from '../../guest/linux/drivers/xen/xenbus/xenbus.ts';

export interface XenstoreState {
  version: 1;
  nodes: [string, string][];
}

export class Xenstored implements Xenbus {
  private readonly nodes = new Map<string, string>();
  private readonly watches: { path: string; cb: (path: string) => void }[] = [];

  read(path: string): string | undefined {
    return this.nodes.get(path);
  }

  write(path: string, value: string): void {
    const parts = path.split('/');
    for (let i = 2; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!this.nodes.has(parent)) this.nodes.set(parent, '');
    }
    this.nodes.set(path, value);
    this.fire(path);
  }

  rm(path: string): void {
    let any = false;
    for (const k of [...this.nodes.keys()]) {
      if (k === path || k.startsWith(path + '/')) {
        this.nodes.delete(k);
        any = true;
      }
    }
    if (any) this.fire(path);
  }

  directory(path: string): string[] {
    const out: string[] = [];
    for (const k of this.nodes.keys()) {
      if (!k.startsWith(path + '/')) continue;
      const rest = k.slice(path.length + 1);
      if (!rest.includes('/')) out.push(rest);
    }
    return out.sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b)));
  }

  watch(path: string, cb: (path: string) => void): () => void {
    const w = { path, cb };
    this.watches.push(w);
    return () => {
      const i = this.watches.indexOf(w);
      if (i >= 0) this.watches.splice(i, 1);
    };
  }

  private fire(path: string): void {
    for (const w of [...this.watches]) if (path === w.path || path.startsWith(w.path + '/') || w.path.startsWith(path + '/')) w.cb(path);
  }

  save(): XenstoreState {
    return { version: 1, nodes: [...this.nodes] };
  }

  restore(s: XenstoreState): void {
    checkVersion('xenstore', s, 1);
    this.nodes.clear();
    for (const [k, v] of s.nodes) this.nodes.set(k, v);
  }
}
