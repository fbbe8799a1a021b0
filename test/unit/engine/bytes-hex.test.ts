import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../src-shared/units/bytes.ts';

describe('hex serialisation of bytes', () => {
  it('round-trips bytes as two lower-case digits each', () => {
    expect(bytesToHex([0, 0xa1, 0xff])).toBe('00a1ff');
    expect([...hexToBytes('00a1ff', 'x')]).toEqual([0, 0xa1, 0xff]);
  });

  it('refuses a bad pair, an odd length or a wrong size, naming where', () => {
    expect(() => hexToBytes('00zz', 'register snapshot of CTRL')).toThrow('register snapshot of CTRL: "zz" at byte 1 is not a hex pair');
    expect(() => hexToBytes('0', 'frames[2]')).toThrow('frames[2]: hex text has an odd number of digits (1)');
    expect(() => hexToBytes('0000', 'CTRL', 4)).toThrow('CTRL: 2 bytes of hex, expected 4');
  });
});
