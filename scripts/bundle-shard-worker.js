// Part of `npm run build`, after tsc: replaces dist/sim/engine/shard-worker.js, which imports the engine's
// ~30 modules one by one, with a single file that holds them all (npm packages stay imports; there are
// none in this graph). Each shard worker loads its own copy of the engine, before it can start its shard:
// through the ESM loader that took ~33 ms of CPU per worker, the bundle ~8 ms. The source map points at
// the TypeScript sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

await build({
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: ['sim/engine/shard-worker.ts'],
  outfile: 'dist/sim/engine/shard-worker.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
