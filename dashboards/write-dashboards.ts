import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, dashboardJson } from './index.ts';
import { K6_RULES_FILE, k6RecordingRulesYaml } from './k6-recording-rules.ts';

/**
 * `npm run dashboards`: writes dashboards/json/*.json from the TypeScript definitions, and the recording
 * rules that name a k6 run's series as the harness does (a test checks they are current).
 */
const DASHBOARDS_DIR = fileURLToPath(new URL('./', import.meta.url));
const JSON_DIR = join(DASHBOARDS_DIR, 'json');

mkdirSync(JSON_DIR, { recursive: true });
for (const { file, build } of DASHBOARDS) {
  writeFileSync(join(JSON_DIR, file), dashboardJson(build));
  process.stdout.write(`dashboards/json/${file}\n`);
}
mkdirSync(dirname(join(DASHBOARDS_DIR, K6_RULES_FILE)), { recursive: true });
writeFileSync(join(DASHBOARDS_DIR, K6_RULES_FILE), k6RecordingRulesYaml());
process.stdout.write(`dashboards/${K6_RULES_FILE}\n`);
