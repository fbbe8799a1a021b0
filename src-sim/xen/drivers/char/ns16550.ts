/**
 * Xen's own serial driver (xen/drivers/char/ns16550.c, 3.x): `com1=` / `com2=` configure a
 * UART as `<baud>[/<clock_hz>][,DPS[,<io-base>[,<irq>]]]` (4.0 adds bridge fields after the
 * IRQ, which we read past). A port with no configuration is not registered; a bad one prints
 * "ERROR: …" and is not registered either. A registered port with an IRQ takes that line for
 * Xen itself in ns16550_init_postirq (setup_irq, action "ns16550"): from then on no guest can
 * bind it — pirq_guest_bind says "In use by 'ns16550'" (xen.md row 19). COM1 defaults to
 * 0x3f8/IRQ 4 and COM2 to 0x2f8/IRQ 3, as __start_xen sets them.
 */
import type { Xen } from '../../xen.ts';

export interface UartConfig {
  baud: number | 'auto';
  dataBits: number;
  parity: string;
  stopBits: number;
  ioBase: number;
  /** 0: polled, no interrupt line. */
  irq: number;
}

/** __start_xen's defaults for the two ports. */
export const COM_DEFAULTS = [
  { ioBase: 0x3f8, irq: 4 },
  { ioBase: 0x2f8, irq: 3 },
] as const;

/** C's simple_strtoul from the start of `s`: the number (0 when none) and what follows it. */
function strtoul(s: string, base: 0 | 10): [number, string] {
  const m = base === 0 ? /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s) : /^[0-9]+/.exec(s);
  if (!m) return [0, s];
  const t = m[0];
  const n = base === 10 ? parseInt(t, 10) : /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t.startsWith('0') ? parseInt(t, 8) : parseInt(t, 10);
  return [n, s.slice(t.length)];
}

/**
 * ns16550_parse_port_config: the port's configuration, or the "ERROR: …" line Xen prints
 * instead of registering it; undefined when `conf` is empty (no port).
 */
export function parseUartConfig(conf: string, defaults: { ioBase: number; irq: number }): UartConfig | { error: string } | undefined {
  if (conf === '') return undefined;
  const u: UartConfig = { baud: 0, dataBits: 8, parity: 'n', stopBits: 1, ioBase: defaults.ioBase, irq: defaults.irq };
  let rest = conf;
  if (rest.startsWith('auto')) {
    u.baud = 'auto';
    rest = rest.slice(4);
  } else {
    const [baud, after] = strtoul(rest, 10);
    if (baud) u.baud = baud;
    rest = after;
  }
  if (rest.startsWith('/')) rest = strtoul(rest.slice(1), 0)[1];
  if (rest.startsWith(',')) {
    [u.dataBits, rest] = strtoul(rest.slice(1), 10);
    u.parity = rest.charAt(0);
    [u.stopBits, rest] = strtoul(rest.slice(1), 10);
    if (rest.startsWith(',')) {
      [u.ioBase, rest] = strtoul(rest.slice(1), 0);
      // 4.0 reads PCI bridge fields after the IRQ; they do not change the line.
      if (rest.startsWith(',')) u.irq = strtoul(rest.slice(1), 10)[0];
    }
  }
  if (u.baud !== 'auto' && (u.baud < 1200 || u.baud > 115200)) return { error: `Baud rate ${u.baud} outside supported range.` };
  if (u.dataBits < 5 || u.dataBits > 8) return { error: `${u.dataBits} data bits are unsupported.` };
  if (u.stopBits < 1 || u.stopBits > 2) return { error: `${u.stopBits} stop bits are unsupported.` };
  if (u.ioBase === 0) return { error: 'I/O base address must be specified.' };
  return u;
}

/** ns16550_init then serial_init_postirq for COM1 and COM2: each configured port's IRQ taken. */
export function ns16550Init(xen: Xen, confs: readonly [string, string]): void {
  confs.forEach((conf, i) => {
    const u = parseUartConfig(conf, COM_DEFAULTS[i]);
    if (!u) return;
    if ('error' in u) return xen.con.printk('error', `ERROR: ${u.error}`);
    if (u.irq > 0 && xen.irqs.setupIrq(u.irq, 'ns16550') !== 0) xen.con.printk('error', `ERROR: Failed to allocate na16550 IRQ ${u.irq}`);
  });
}
