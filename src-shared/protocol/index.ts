export * from './version.ts';
export * from './common.ts';
export * from './messages.ts';
export { methods } from './methods/index.ts';
