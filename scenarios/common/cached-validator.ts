import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheFileName, cacheFolder, writeCacheFile } from './cache-folder.ts';
import type { Ajv, Options, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * `new Ajv(options).compile(schema)`, with the code Ajv generates kept in this user's cache folder
 * (Ajv's standalone code, keyed by a hash of the schema, the options and Ajv's version): generating
 * it took a run's start-up 0.19 s, loading it 0.01 s, and Ajv itself is then not even loaded. The
 * validator is the same code either way, so it fills the same defaults and reports the same errors.
 */
export function compileCached(schema: object, options: Options): ValidateFunction {
  const folder = cacheFolder();
  const file = folder && join(folder, cacheFileName(validatorInputs(schema, options), 'ajv.cjs'));
  if (file !== undefined) {
    try {
      return loadStandalone(readFileSync(file, 'utf8'));
    } catch {
      // No cache yet, or one that does not load: generated afresh below.
    }
  }
  const { Ajv: AjvClass } = require('ajv') as { Ajv: new (options: Options) => Ajv };
  const standaloneCode = require('ajv/dist/standalone') as (ajv: Ajv, validate: ValidateFunction) => string;
  const ajv = new AjvClass({ ...options, code: { ...options.code, source: true } });
  const validate = ajv.compile(schema);
  if (file !== undefined) writeCacheFile(file, standaloneCode(ajv, validate));
  return validate;
}

/** What the validator compiled for `schema` and `options` depends on: they and Ajv's version. */
export function validatorInputs(schema: object, options: Options): string {
  const { version } = require('ajv/package.json') as { version: string };
  return `${version}\0${JSON.stringify(options)}\0${JSON.stringify(schema)}`;
}

/** Evaluates Ajv's standalone module (CommonJS, requiring Ajv's runtime helpers). */
function loadStandalone(source: string): ValidateFunction {
  const module = { exports: {} as ValidateFunction };
  // The code Ajv generated for this schema, from this user's own cache folder.
  new Function('module', 'exports', 'require', source)(module, module.exports, require);
  if (typeof module.exports !== 'function') throw new Error('not a validator');
  return module.exports;
}
