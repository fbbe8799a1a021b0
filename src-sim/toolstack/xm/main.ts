/**
 * `xm` (tools/python/xen/xm/main.py, create.py): create, destroy, list and (3.3+) pci-list,
 * printing what the real command prints — `Error: <msg>` on stderr and exit 1 for a refusal,
 * `Using config file "<file>".` and `Started domain <name>` for a create.
 */
import { atLeast } from '../../xen/common/version.ts';
import { Terminal, type CommandOutput } from '../log.ts';
import { VmError } from '../xend/server/pciif.ts';
import { createDomain, destroyDomain, unpause } from '../xend/XendDomainInfo.ts';
import type { Xend } from '../xend/xend.ts';
import { readXmConfig, XmError } from './config.ts';

export class Xm {
  constructor(private readonly xend: Xend) {}

  private run(body: (t: Terminal) => void): CommandOutput {
    const t = new Terminal(this.xend.xen.world.sim.tracer);
    try {
      body(t);
    } catch (e) {
      if (!(e instanceof VmError || e instanceof XmError)) throw e;
      t.err(`Error: ${e.message}`);
      t.exitCode = 1;
    }
    return t;
  }

  /** xm create <file> [-p]: the file's text is what `execfile` would read. */
  create(fileName: string, source: string, opts: { paused?: boolean } = {}): CommandOutput {
    let domid: number | undefined;
    const out = this.run((t) => {
      t.out(`Using config file "${fileName}".`);
      const cfg = readXmConfig(source, fileName, this.xend.xen.era);
      const dom = createDomain(this.xend, cfg);
      domid = dom.domid;
      if (dom.qemu?.exitCode !== undefined) {
        // xend notices the device model died only later; the domain stays, without devices.
        this.xend.log.log('WARNING', `Device model for domain ${dom.domid} exited with status ${dom.qemu.exitCode}`);
      }
      if (!opts.paused) unpause(this.xend, dom);
      t.out(`Started domain ${dom.name}`);
    });
    this.xend.journal.record({ op: 'create', file: fileName, source, paused: !!opts.paused, malicious: this.xend.maliciousGuests, domid });
    return out;
  }

  destroy(ref: string): CommandOutput {
    return this.run(() => {
      const dom = this.xend.lookup(ref);
      if (!dom) throw new XmError(`Domain '${ref}' does not exist.`);
      destroyDomain(this.xend, dom);
      this.xend.journal.record({ op: 'destroy', domid: dom.domid });
    });
  }

  list(): CommandOutput {
    return this.run((t) => {
      t.out(row('Name', 'ID', 'Mem', 'VCPUs', 'State', 'Time(s)'));
      const xen = this.xend.xen;
      t.out(row('Domain-0', '0', String(Math.floor(xen.dom0.totPages / 256)), '1', 'r-----', '0.0', true));
      for (const d of [...this.xend.domains.values()].sort((a, b) => a.domid - b.domid)) {
        const state = d.state === 'paused' ? '--p---' : '-b----';
        t.out(row(d.name, String(d.domid), String(d.config.memory), String(d.config.vcpus), state, '0.0', true));
      }
    });
  }

  /** xm pci-list <dom> (3.3+): the guest's functions with their virtual slots. */
  pciList(ref: string): CommandOutput {
    return this.run((t) => {
      if (!atLeast(this.xend.xen.era, '3.3')) {
        t.err('Error: Subcommand pci-list not found!');
        t.exitCode = 1;
        return;
      }
      const dom = this.xend.lookup(ref);
      if (!dom) throw new XmError(`Domain '${ref}' does not exist.`);
      const pt = dom.qemu?.passthrough ?? [];
      if (!pt.length) return;
      t.out('VSlt domain   bus   slot   func');
      for (const p of pt) {
        const cell = (v: string) => v.padEnd(3);
        t.out(`${cell('0x' + (p.devfn >> 3).toString(16).padStart(2, '0'))}    ${cell('0x0000')}  ${cell(hex2(p.real.bus))}   ${cell(hex2(p.real.dev))}    ${cell('0x' + p.real.func.toString(16))}    `);
      }
    });
  }
}

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

/** '%-40s %5s %5s %5s %10s %9s' for the header; rows print time as %8.1f after the state. */
function row(name: string, id: string, mem: string, vcpus: string, state: string, time: string, data = false): string {
  return `${name.padEnd(40)} ${id.padStart(5)} ${mem.padStart(5)} ${vcpus.padStart(5)} ${state.padStart(10)} ${data ? time.padStart(8) : time.padStart(9)}`;
}
