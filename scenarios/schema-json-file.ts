import { packageFile } from './common/package-files.ts';

/**
 * scenarios/scenario.schema.json: the schema as JSON, which scenarios/write-reference.ts writes and
 * validate.ts reads. It stays beside the sources, whether this code runs from them or compiled.
 */
export const SCHEMA_JSON_FILE = packageFile('scenarios/scenario.schema.json');
