/**
 * MSI of an assigned function in qemu-dm 3.3/3.4 (qemu-xen hw/pt-msi.c, and the MSI rows' write
 * hooks of hw/pass-through.c): the guest programs an emulated MSI capability; the function's real
 * capability is Xen's to program.
 *
 * - The first time the guest sets Enable, qemu maps a pirq for the function's MSI
 *   (pt_msi_setup → xc_physdev_map_pirq_msi; Xen allocates a vector and writes the machine
 *   message into the real capability), then binds it to the guest's vector and flags
 *   (pt_msi_update → xc_domain_update_msi_irq, bind_pt_irq of type MSI), and sets Enable on the
 *   device. A failure leaves Enable clear on the device and MSI unbound ("Can not map/bind MSI").
 * - Later changes of the guest's address or data re-bind (pt_msi_update) with the same pirq.
 * - Clearing Enable only clears it on the device: the binding stays, as in 3.4. It is undone by
 *   pt_msi_disable (xc_domain_unbind_msi_irq + xc_physdev_unmap_pirq) when the device is
 *   unregistered (hot-unplug) — or by Xen when the domain dies.
 *
 * MSI-INTx translation (pci_msitranslate, 3.4's default) is not modelled: the machine's NIC has
 * no MSI delivery path, so a translated interrupt would never arrive. Devices behave as with
 * `msitranslate=0` and take INTx.
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { AUTO_ASSIGN, xcPhysdevMapPirqMsi, xcPhysdevUnmapPirq } from '../../../xen/tools/libxc/xc_physdev.ts';
import { GFLAGS_SHIFT_DELIV_MODE, GFLAGS_SHIFT_DM, GFLAGS_SHIFT_RH, GFLAGS_SHIFT_TRG_MODE } from '../../../xen/drivers/passthrough/io-msi.ts';
import type { QemuLog } from '../logfile.ts';
import { merge, plainWrite, type PtRegEntry, type PtWriteFn } from './pt-config.ts';

export const PCI_MSI_FLAGS_ENABLE = 0x0001;
export const PCI_MSI_FLAGS_QSIZE = 0x0070;
export const PCI_MSI_FLAGS_64BIT = 0x0080;
export const PCI_MSI_FLAGS_MASKBIT = 0x0100;
export const PCI_MSI_DATA_32 = 0x08;
export const PCI_MSI_DATA_64 = 0x0c;
/** pt-msi.h: the guest has not enabled MSI yet / a pirq is mapped and bound. */
export const MSI_FLAG_UNINIT = 0x1000;
export const PT_MSI_MAPPED = 0x2000;

/** struct pt_msi_info: what the guest programmed, and the pirq Xen gave. */
export interface PtMsiInfo {
  flags: number;
  ctrlOffset: number;
  pirq: number;
  addrLo: number;
  addrHi: number;
  data: number;
}

export function newMsiInfo(): PtMsiInfo {
  return { flags: 0, ctrlOffset: 0, pirq: -1, addrLo: 0, addrHi: 0, data: 0 };
}

/** What the MSI code needs of the assigned device. */
export interface PtMsiDevice {
  msi: PtMsiInfo;
  /** The virtual devfn, for log lines. */
  devfn: number;
  /** Machine bus and devfn of the real function. */
  machineBus: number;
  machineDevfn: number;
  xc: XcHandle;
  domid: number;
  log: QemuLog;
  readReal(offset: number, len: 2): number;
  writeReal(offset: number, len: 2, value: number): void;
}

/** msi_set_enable: the device's own Enable bit. */
export function msiSetEnable(dev: PtMsiDevice, en: boolean): void {
  if (!dev.msi.ctrlOffset) return;
  const v = dev.readReal(dev.msi.ctrlOffset, 2);
  dev.writeReal(dev.msi.ctrlOffset, 2, (v & ~PCI_MSI_FLAGS_ENABLE) | (en ? PCI_MSI_FLAGS_ENABLE : 0));
}

/** __get_msi_gflags: destination id, redirection hint, destination mode, delivery and trigger mode. */
export function getMsiGflags(data: number, addrLo: number): number {
  const rh = (addrLo >>> 3) & 1;
  const dm = (addrLo >>> 2) & 1;
  const destId = (addrLo >>> 12) & 0xff;
  const delivMode = (data >>> 8) & 7;
  const trigMode = (data >>> 15) & 1;
  return (destId | (rh << GFLAGS_SHIFT_RH) | (dm << GFLAGS_SHIFT_DM) | (delivMode << GFLAGS_SHIFT_DELIV_MODE) | (trigMode << GFLAGS_SHIFT_TRG_MODE)) >>> 0;
}

const hex = (n: number) => (n >>> 0).toString(16);

/** pt_msi_setup: map a pirq for the function's MSI (Xen picks the vector). 0 or -1. */
export function ptMsiSetup(dev: PtMsiDevice): number {
  if (!(dev.msi.flags & MSI_FLAG_UNINIT)) {
    dev.log.pt('pt_msi_setup', 'Error: setup physical after initialized?? ');
    return -1;
  }
  const r = xcPhysdevMapPirqMsi(dev.xc, dev.domid, AUTO_ASSIGN, -1, dev.machineDevfn, dev.machineBus, 0, 0);
  if (r.rc) {
    dev.log.pt('pt_msi_setup', 'Error: Mapping of MSI failed.');
    return -1;
  }
  if (r.pirq < 0) {
    dev.log.pt('pt_msi_setup', 'Error: Invalid pirq number');
    return -1;
  }
  dev.msi.pirq = r.pirq;
  dev.log.pt('pt_msi_setup', `msi mapped with pirq ${hex(r.pirq)}`);
  return 0;
}

/** pt_msi_update: bind the pirq to the guest's vector and flags; on failure unmap it. */
export function ptMsiUpdate(dev: PtMsiDevice): number {
  const m = dev.msi;
  const gvec = m.data & 0xff;
  const gflags = getMsiGflags(m.data, m.addrLo);
  dev.log.pt('pt_msi_update', `Update msi with pirq ${hex(m.pirq)} gvec ${hex(gvec)} gflags ${hex(gflags)}`);
  const rc = dev.xc.domainUpdateMsiIrq(dev.domid, gvec, m.pirq, gflags);
  if (rc) {
    dev.log.pt('pt_msi_update', 'Error: Binding of MSI failed.');
    if (xcPhysdevUnmapPirq(dev.xc, dev.domid, m.pirq)) dev.log.pt('pt_msi_update', 'Error: Unmapping of MSI failed.');
    m.pirq = -1;
  }
  return rc;
}

/** pt_msi_disable: Enable off on the device, unbind the guest vector, unmap the pirq. */
export function ptMsiDisable(dev: PtMsiDevice, where: string): void {
  const m = dev.msi;
  msiSetEnable(dev, false);
  let ok = true;
  if (!(m.flags & MSI_FLAG_UNINIT)) {
    const gvec = m.data & 0xff;
    dev.log.pt('pt_msi_disable', `Unbind msi with pirq ${hex(m.pirq)}, gvec ${hex(gvec)}`);
    if (dev.xc.domainUnbindMsiIrq(dev.domid, gvec, m.pirq, getMsiGflags(m.data, m.addrLo))) {
      dev.log.pt('pt_msi_disable', `Error: Unbinding of MSI failed. ${where}`);
      ok = false;
    }
  }
  if (ok && m.pirq !== -1) {
    dev.log.pt('pt_msi_disable', `Unmap msi with pirq ${hex(m.pirq)}`);
    if (xcPhysdevUnmapPirq(dev.xc, dev.domid, m.pirq)) dev.log.pt('pt_msi_disable', `Error: Unmapping of MSI failed. ${where}`);
  }
  m.flags = 0;
  m.pirq = -1;
}

/** The MSI rows' write hooks (pt_msgctrl/msgaddr32/msgaddr64/msgdata_reg_write). */
export function msiWriteHooks(dev: PtMsiDevice): Record<'msgctrl' | 'msgaddr32' | 'msgaddr64' | 'msgdata', PtWriteFn> {
  const m = dev.msi;
  /** Takes the writable bits, returns what the device gets and whether the value changed. */
  const take = (e: PtRegEntry, value: number, dev0: number, valid: number): { out: number; changed: boolean } => {
    const old = e.data;
    const out = plainWrite(e, value, dev0, valid);
    return { out, changed: e.data !== old };
  };
  const rebind = (changed: boolean) => {
    if (changed && m.flags & PT_MSI_MAPPED) ptMsiUpdate(dev);
  };
  return {
    msgctrl: (e, value, devValue, valid) => {
      if (value & PCI_MSI_FLAGS_QSIZE) dev.log.pt('pt_msgctrl_reg_write', `Warning: try to set more than 1 vector ctrl ${hex(value)}`);
      e.data = merge(value, e.data, e.reg.emu & ~e.reg.ro & valid) & 0xffff;
      m.flags |= e.data & ~(MSI_FLAG_UNINIT | PT_MSI_MAPPED | PCI_MSI_FLAGS_ENABLE);
      let out = merge(value, devValue, ~e.reg.emu & valid);
      if (value & PCI_MSI_FLAGS_ENABLE) {
        if (m.flags & MSI_FLAG_UNINIT) {
          dev.log.pt('pt_msgctrl_reg_write', `setup msi for dev ${hex(dev.devfn)}`);
          if (ptMsiSetup(dev)) {
            dev.log.pt('pt_msgctrl_reg_write', `Warning: Can not map MSI for dev ${hex(dev.devfn)}`);
            return out & ~PCI_MSI_FLAGS_ENABLE;
          }
          if (ptMsiUpdate(dev)) {
            dev.log.pt('pt_msgctrl_reg_write', `Warning: Can not bind MSI for dev ${hex(dev.devfn)}`);
            return out & ~PCI_MSI_FLAGS_ENABLE;
          }
          m.flags = (m.flags & ~MSI_FLAG_UNINIT) | PT_MSI_MAPPED;
        }
        m.flags |= PCI_MSI_FLAGS_ENABLE;
      } else m.flags &= ~PCI_MSI_FLAGS_ENABLE;
      // Without MSI-INTx translation the guest's Enable bit goes to the device as written.
      out = (out & ~PCI_MSI_FLAGS_ENABLE) | (value & PCI_MSI_FLAGS_ENABLE);
      return out;
    },
    msgaddr32: (e, value, devValue, valid) => {
      const r = take(e, value, devValue, valid);
      m.addrLo = e.data;
      rebind(r.changed);
      return r.out;
    },
    msgaddr64: (e, value, devValue, valid) => {
      const r = take(e, value, devValue, valid);
      m.addrHi = e.data;
      rebind(r.changed);
      return r.out;
    },
    msgdata: (e, value, devValue, valid) => {
      const r = take(e, value, devValue, valid);
      m.data = e.data;
      rebind(r.changed);
      return r.out;
    },
  };
}
