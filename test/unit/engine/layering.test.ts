/**
 * The layering inside src-sim, as lint enforces it: toolstack → qemu → xen → hw → engine,
 * nothing upward; hw never imports xen; guest models reach hardware only through accessors.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function importErrors(file: string, spec: string): Promise<string[]> {
  const [r] = await eslint.lintText(`import { x } from '${spec}';\nexport const y = x;\n`, { filePath: `${root}/${file}` });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'vtdw/sim-layers').map((m) => m.message);
}

describe('layers inside the simulator core', () => {
  it.each([
    ['src-sim/hw/pc/probe.ts', '../../xen/domain.ts', 'src-sim/hw may import only src-sim/engine'],
    ['src-sim/engine/probe.ts', '../hw/intc/wire.ts', 'src-sim/engine may import only itself'],
    ['src-sim/xen/probe.ts', '../qemu/pass-through.ts', 'src-sim/xen may import only src-sim/hw, src-sim/engine'],
    ['src-sim/qemu/probe.ts', '../toolstack/xm.ts', 'src-sim/qemu may import only src-sim/xen, src-sim/hw, src-sim/engine'],
    ['src-sim/guest/fc5/probe.ts', '../../hw/net/e1000/e1000.ts', 'A guest OS model talks to hardware only through accessors'],
    ['src-sim/hw/pc/probe.ts', '../../host/runtime.ts', 'The core imports no host or UI code.'],
    ['src-sim/guest/linux/probe.ts', '../../xen/common/domain.ts', 'src-sim/guest may import only src-sim/engine'],
    ['src-sim/guest/linux/drivers/net/probe.ts', '../../../../hw/vtd/iommu.ts', 'A guest OS model talks to hardware only through accessors'],
    ['src-sim/xen/common/probe.ts', '../../toolstack/xm/main.ts', 'src-sim/xen may import only src-sim/hw, src-sim/engine'],
  ])('%s may not import %s', async (file, spec, message) => {
    const errors = await importErrors(file, spec);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['src-sim/xen/probe.ts', '../hw/vtd/iommu.ts'],
    ['src-sim/toolstack/probe.ts', '../qemu/pass-through.ts'],
    ['src-sim/guest/fc5/probe.ts', '../../hw/pci/pci-access.ts'],
    ['src-sim/world/probe.ts', '../xen/domain.ts'],
    // Linux's own drivers/xen inside the guest model is not the xen layer.
    ['src-sim/guest/linux/probe.ts', './drivers/xen/pciback/pci_stub.ts'],
    // A driver's register header: offsets and bit names, not the device.
    ['src-sim/guest/linux/drivers/net/probe.ts', '../../../../hw/net/e1000/e1000x_regs.ts'],
    // xend runs in dom0 and reads dom0's sysfs.
    ['src-sim/toolstack/xend/probe.ts', '../../guest/linux/fs/sysfs.ts'],
  ])('%s may import %s', async (file, spec) => {
    expect(await importErrors(file, spec)).toEqual([]);
  });
}, 60_000);
