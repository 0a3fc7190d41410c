import { fileURLToPath } from 'node:url';

/**
 * scenarios/scenario.schema.json: the schema as JSON, which scenarios/write-reference.ts writes and
 * validate.ts reads. It stays beside the sources; compiled, this module runs from dist/scenarios/.
 */
export const SCHEMA_JSON_FILE = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../../scenarios/scenario.schema.json' : './scenario.schema.json', import.meta.url));
