/**
 * Plugging a device model into a slot: the model's template becomes a config space, the
 * function joins the hierarchy, and the model gets its PciFunctionContext (QEMU's
 * pci_qdev_realize). Bus mastering is read live from COMMAND, as the hardware gate is.
 */
import { Scope, type ScopeWorld } from '../../engine/scope.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import { layoutFromTemplate } from './config-layout.ts';
import { PciConfigSpace } from './config-space.ts';
import type { PciFunctionContext, PciFunctionModel } from './function-model.ts';
import { PciFunction } from './pci-function.ts';
import type { PciHost } from './pci-host.ts';
import { PCI_COMMAND_MASTER } from './pci-regs.ts';

/** What the platform wires to a slot: the world the function's scope lives in, its DMA and INTx. */
export interface SlotWiring extends Omit<PciFunctionContext, 'busMasterEnabled' | 'scope'> {
  world: ScopeWorld;
  /**
   * Register the model as a snapshot component under its scope's id ("pci.0000:02:00.0"),
   * rather than inside the PCI host's state.
   */
  registerSnapshot?: boolean;
}

export function plugModel(host: PciHost, bdf: Bdf, model: PciFunctionModel, wiring: SlotWiring, headerType?: number): PciFunction {
  const fn = new PciFunction(bdf, new PciConfigSpace(layoutFromTemplate(model.config, { headerType })), model);
  host.attach(fn);
  const written = fn.config.listeners.written;
  fn.config.listeners.written = (hook, reg, old, value) => {
    written?.(hook, reg, old, value);
    model.configWritten?.(hook, reg.name, old, value);
  };
  const { world, registerSnapshot, ...rest } = wiring;
  const scope = new Scope(world, fn.id);
  if (registerSnapshot) {
    scope.register({ version: model.stateVersion ?? 1, save: () => model.save(), restore: (s) => model.restore(s), target: model });
    fn.modelSnapshotsItself = true;
  }
  model.plug({ ...rest, scope, busMasterEnabled: () => (fn.command & PCI_COMMAND_MASTER) !== 0 });
  model.reset();
  return fn;
}

/** A function with no model: only its config space (host bridges, bridges, imported devices). */
export function plugConfigOnly(host: PciHost, bdf: Bdf, config: PciConfigSpace): PciFunction {
  const fn = new PciFunction(bdf, config);
  host.attach(fn);
  return fn;
}
