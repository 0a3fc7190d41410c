import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, dashboardJson } from './index.ts';

/** `npm run dashboards`: writes dashboards/json/*.json from the TypeScript definitions (a test checks they are current). */
const JSON_DIR = fileURLToPath(new URL('./json/', import.meta.url));

mkdirSync(JSON_DIR, { recursive: true });
for (const { file, build } of DASHBOARDS) {
  writeFileSync(join(JSON_DIR, file), dashboardJson(build));
  process.stdout.write(`dashboards/json/${file}\n`);
}
