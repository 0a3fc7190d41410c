import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ServerError } from './errors.ts';

/**
 * Reads an options or faults file: YAML, or JSON (which is YAML too). Its fields are checked later,
 * with the rest of the options, against the options schema; `field` names where they will go.
 */
export function readDataFile(file: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServerError('SRV_ERR_FILE', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}); expected a readable YAML or JSON file`, field);
  }
  try {
    return parse(text) ?? {};
  } catch (error) {
    throw new ServerError('SRV_ERR_FILE', `${file} is not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`, field);
  }
}
