/**
 * Xen's `com1=` / `com2=` parameters as ns16550_parse_port_config reads them, and what a
 * configured port does to its interrupt line at boot.
 */
import { describe, expect, it } from 'vitest';
import { COM_DEFAULTS, parseUartConfig } from '../../../src-sim/xen/drivers/char/ns16550.ts';
import { bootXen } from '../../scenarios/support/xen-host.ts';

const COM1 = COM_DEFAULTS[0];

describe('com1= as Xen parses it', () => {
  it.each([
    ['115200,8n1', { baud: 115200, dataBits: 8, parity: 'n', stopBits: 1, ioBase: 0x3f8, irq: 4 }],
    ['115200,8n1,0x3f8,16', { baud: 115200, ioBase: 0x3f8, irq: 16 }],
    ['9600/1843200,7e2,0x2f8', { baud: 9600, dataBits: 7, parity: 'e', stopBits: 2, ioBase: 0x2f8, irq: 4 }],
    ['38400,8n1,0x3e8,0', { ioBase: 0x3e8, irq: 0 }],
    ['auto,8n1,01770,5', { baud: 'auto', ioBase: 0o1770, irq: 5 }],
    // 4.0 adds the PCI bridge fields after the IRQ; the IRQ is still the fourth field.
    ['115200,8n1,0xe000,17,0:1e.0', { ioBase: 0xe000, irq: 17 }],
    ['57600', { baud: 57600, dataBits: 8, stopBits: 1, ioBase: 0x3f8, irq: 4 }],
  ])('%s', (conf, want) => {
    expect(parseUartConfig(conf, COM1)).toMatchObject(want);
  });

  it('no configuration: no port', () => {
    expect(parseUartConfig('', COM1)).toBeUndefined();
  });

  it.each([
    ['300,8n1', 'Baud rate 300 outside supported range.'],
    // simple_strtoul reads the data bits as the baud rate when the rate is left out.
    ['8n1', 'Baud rate 8 outside supported range.'],
    ['115200,9n1', '9 data bits are unsupported.'],
    ['115200,8n3', '3 stop bits are unsupported.'],
    ['115200,8n1,0', 'I/O base address must be specified.'],
  ])('refuses %s: "%s"', (conf, error) => {
    expect(parseUartConfig(conf, COM1)).toEqual({ error });
  });
});

describe('a configured port at boot', () => {
  it('takes its IRQ for Xen: no guest may bind the line, and a PCI line names the driver', () => {
    const { xen } = bootXen('3.2', 'vtd=1 com1=115200,8n1,0x3f8,16 console=com1,vga');
    expect(xen.irqs.desc(16).xenAction).toBe('ns16550');
    expect(xen.irqs.desc(4).xenAction).toBeUndefined();
    expect(xen.irqs.bind(1, 16, true, 0)).toBeLessThan(0);
  });

  it('COM2 on its default line, IRQ 3', () => {
    const { xen } = bootXen('3.2', 'vtd=1 com2=9600,8n1');
    expect(xen.irqs.desc(3).xenAction).toBe('ns16550');
  });

  it('a refused configuration is printed as Xen prints it, and takes no line', () => {
    const { xen } = bootXen('2007', 'vtd=1 com1=300,8n1');
    expect(xen.con.ring.join('\n')).toContain('ERROR: Baud rate 300 outside supported range.');
    expect(xen.irqs.desc(4).xenAction).toBeUndefined();
  });

  it('two ports on one IRQ: the second cannot have it', () => {
    const { xen } = bootXen('3.2', 'vtd=1 com1=115200,8n1,0x3f8,5 com2=115200,8n1,0x2f8,5');
    expect(xen.con.ring.join('\n')).toContain('ERROR: Failed to allocate na16550 IRQ 5');
  });
});
