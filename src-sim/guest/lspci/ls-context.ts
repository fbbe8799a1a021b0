/**
 * What every lspci printer shares: the output buffer and the options that shape the text
 * (pciutils keeps these in globals; here they travel as one context). Its own file so that
 * lspci.ts and its ls-*.ts parts all import it without importing each other.
 */
import type { NumericMode } from './names.ts';

/** Output sink shared by the show_* functions (printf into a buffer). */
export class Out {
  private readonly parts: string[] = [];
  p(s: string): void {
    this.parts.push(s);
  }
  toString(): string {
    return this.parts.join('');
  }
}

export interface Ctx {
  o: Out;
  verbose: number;
  numeric: NumericMode;
  domains: boolean;
}
