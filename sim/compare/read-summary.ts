import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CompareError } from './compare-errors.ts';
import type { Summary } from '../metrics/summary.ts';

/** Fields `compare` reads; a file without them is not a summary.json it understands. */
const REQUIRED: readonly string[] = [
  'scenario',
  'seed',
  'mode',
  'participants',
  'days',
  'digest',
  'windows.complied',
  'windows.impostor',
  'falseFailures.total',
  'falseFailures.byCause',
  'falseFailures.byClass.system.total',
  'falseFailures.byClass.device.total',
  'falseFailures.byClass.schedule.total',
  'falseFailures.byClass.person.total',
  'falseAccepts.total',
  'escalations.total',
  'escalations.false',
  'escalations.absconders',
  'escalations.detected',
  'escalations.followed',
  'escalations.notYetDue',
  'escalations.detectionDelayHours.quantiles',
  'burden.inPersonVisits',
  'burden.officerCalls',
  'burden.minutesLost',
  'burden.officerMinutes',
  'burden.excusedWindows',
  'peopleAffected.count',
  'peopleAffected.byClass.system.count',
];

/** Reads a run's summary from its folder (…/summary.json) or from the file itself. */
export function readSummary(run: string): { file: string; summary: Summary } {
  let file = run;
  try {
    if (statSync(run).isDirectory()) file = join(run, 'summary.json');
  } catch {
    throw new CompareError('CMP_ERR_NOT_FOUND', 'expected a run folder (holding summary.json) or a summary.json file; nothing is there', { field: run });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CompareError('CMP_ERR_NOT_FOUND', `expected a readable ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { field: run });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CompareError('CMP_ERR_NOT_A_SUMMARY', `expected JSON in ${file}: ${(error as Error).message}`, { field: run });
  }
  const missing = REQUIRED.filter((path) => path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), data) === undefined);
  if (missing.length > 0) {
    throw new CompareError('CMP_ERR_NOT_A_SUMMARY', `expected a checkin-sim summary.json; ${file} lacks ${missing.join(', ')}`, { field: run });
  }
  return { file, summary: data as Summary };
}
