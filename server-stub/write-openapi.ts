// Regenerates server-stub/openapi.json from the route schemas (default options):
// node --import tsx server-stub/write-openapi.ts
import { writeFileSync } from 'node:fs';
import { buildServer } from './build-server.ts';

export const OPENAPI_FILE = new URL('./openapi.json', import.meta.url);

/** The OpenAPI document of a server built with default options, as committed. */
export async function generateOpenApi(): Promise<string> {
  const app = buildServer({ housekeepingIntervalMs: 0 });
  await app.ready();
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(OPENAPI_FILE, await generateOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE.pathname}\n`);
}
