/**
 * The kernel command line as Linux 2.6.18 parses it (init/main.c parse_args + unknown_bootoption):
 * `name[=value]` words; `module.param` names set a built-in module's parameter; an unknown name
 * containing a dot (before any '=') is reported "Unknown boot option `…': ignoring" and dropped
 * (the seed's `pciback.hid=`); other unknown words go to init as arguments or environment.
 */
import { KERN_ERR, type KernelLog } from '../printk.ts';

export interface KernelParams {
  /** module.param → value for built-in modules' parameters. */
  modules: Map<string, string>;
  /** Everything else: plain kernel options (root=, ro, console=…). */
  options: Map<string, string | undefined>;
}

/** Quote-aware split as parse_args does: "a b" stays one word. */
function words(cmdline: string): string[] {
  return cmdline.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

export function parseKernelCmdline(cmdline: string, moduleParams: Record<string, readonly string[]>, log: KernelLog): KernelParams {
  const out: KernelParams = { modules: new Map(), options: new Map() };
  for (const w of words(cmdline)) {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    const value = eq < 0 ? undefined : w.slice(eq + 1).replace(/^"|"$/g, '');
    const dot = name.indexOf('.');
    if (dot > 0) {
      const [mod, param] = [name.slice(0, dot), name.slice(dot + 1)];
      if (moduleParams[mod]?.includes(param)) {
        out.modules.set(name, value ?? '');
        continue;
      }
      log.printk(KERN_ERR, `Unknown boot option \`${w}': ignoring`);
      continue;
    }
    out.options.set(name, value);
  }
  return out;
}
