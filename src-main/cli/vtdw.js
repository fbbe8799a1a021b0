#!/usr/bin/env node
// The `vtdw` command. The CLI is written in TypeScript and shares its code with the app, so this
// launcher registers tsx's loader and hands over; no build step is needed before the CLI runs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
