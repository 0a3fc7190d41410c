/**
 * Enrols an exported fleet with the server under test, once, before the load: bulk enrolment in
 * `setup()` (each participant with its template, time zone and synthetic personal record, as the
 * export wrote them), then `handleSummary` writes every participant's token to tokens.json in the export
 * folder, where scenarios/k6/checkin-load.ts reads it (on every instance, into a SharedArray).
 *
 *   k6 run -e EXPORT_DIR=/abs/export -e TARGET=http://host:8080 -e OFFICER_TOKEN=… scenarios/k6/enrol.ts
 *
 * A separate run because k6 runs `setup()` on every instance of a split test (and the server refuses
 * a participant enrolled twice), and because setup data is copied into every VU, which at 125,000
 * tokens would cost each VU megabytes.
 */
import http from 'k6/http';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import { parseBody } from './lib/attempt-outcome.ts';
import { MANIFEST_FILE, TOKENS_FILE, TOKENS_FORMAT, type ExportManifest, type TokensFile } from './lib/export-format.ts';
import { runEnvironment } from './lib/run-plan.ts';

const env = runEnvironment(__ENV);
const manifest = JSON.parse(open(`${env.exportDir}/${MANIFEST_FILE}`)) as ExportManifest;
/** Each enrolment chunk's text: one bulk request body's participants, sent as is. */
const batches = new SharedArray('enrolment', () => manifest.enrolment.chunks.map((chunk) => open(`${env.exportDir}/${chunk.file}`)));

/** k6's Options type, reached through k6/execution (k6/options is a types-only module k6 does not provide). */
type Options = typeof exec.test.options;

export const options: Options = {
  scenarios: { enrol: { executor: 'shared-iterations' as const, vus: 1, iterations: 1, exec: 'idle' } },
  setupTimeout: '60m',
};

export function setup(): TokensFile {
  const tokens: string[] = [];
  manifest.enrolment.chunks.forEach((chunk, index) => {
    const response = http.post(`${env.target}/v1/participants/bulk`, `{"participants":${batches[index]!}}`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.officerToken}` },
      timeout: '120s',
      responseType: 'text',
      tags: { name: '/v1/participants/bulk' },
    });
    const issued = (parseBody(response.body as string | null) as { tokens?: { participantId: string; token: string }[] } | undefined)?.tokens;
    if (response.status !== 201 || !Array.isArray(issued) || issued.length !== chunk.count) {
      exec.test.abort(`TARGET ${env.target}: bulk enrolment of ${chunk.file} answered ${response.status} ${String(response.body).slice(0, 200)}; expected 201 with ${chunk.count} tokens`);
    }
    for (const [offset, entry] of (issued ?? []).entries()) {
      if (entry.participantId !== `p${chunk.first + offset}`) exec.test.abort(`bulk enrolment answered tokens out of order (${entry.participantId} at p${chunk.first + offset})`);
      tokens.push(entry.token);
    }
  });
  return { format: TOKENS_FORMAT, participants: tokens.length, tokens };
}

export function idle(): void {}

export function handleSummary(data: { setup_data?: TokensFile }): Record<string, string> {
  const file = data.setup_data;
  if (!file || file.tokens.length !== manifest.counts.participants) {
    return { stderr: `enrolment did not complete: no ${TOKENS_FILE} written\n` };
  }
  return {
    [`${env.exportDir}/${TOKENS_FILE}`]: JSON.stringify(file),
    stdout: `enrolled ${file.participants} participants at ${env.target}; tokens in ${env.exportDir}/${TOKENS_FILE}\n`,
  };
}
