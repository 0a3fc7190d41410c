#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`, which `npm install` runs) when it is newer than
// every TypeScript source; otherwise the sources themselves, compiled on load by tsx, so an edit is
// never run stale. CHECKIN_SIM_FROM_SOURCES=1 always runs the sources (the tests set it).
import { compiledState } from './compiled-state.js';

const root = new URL('../../', import.meta.url);
const compiled = process.env.CHECKIN_SIM_FROM_SOURCES === '1' ? 'not wanted' : compiledState();
if (compiled === 'fresh') {
  await import(new URL('dist/cli/main.js', root).href);
} else {
  if (compiled === 'stale') process.stderr.write('checkin-sim: running the TypeScript sources, which changed after dist/ was built (npm run build compiles them)\n');
  // Inherited by the processes this one starts through bin.js (serve's server child, drive mode's
  // server): they run the sources too, without checking dist/ again or repeating the line above.
  process.env.CHECKIN_SIM_FROM_SOURCES = '1';
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
