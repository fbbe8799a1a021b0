/**
 * The method table: every request the renderer (or CLI) may send, with the schema of its params
 * and of its result. Types are derived from these schemas, so this table is the one source of
 * truth for both ends. Later features add a file here and spread it in.
 */
import { sessionMethods } from './session.ts';
import { seriesMethods } from './series.ts';
import { hostMethods } from './host.ts';
import { xenMethods } from './xen.ts';

export const methods = {
  ...sessionMethods,
  ...seriesMethods,
  ...hostMethods,
  ...xenMethods,
} as const;
