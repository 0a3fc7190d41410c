import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PersonalRecordSchema } from '../../../server-stub/api-schemas.ts';
import { checkPersonalRecord } from '../../../server-stub/personal-record.ts';
import { startServerProcess } from '../../../sim/drive/server-process.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { personalRecordsMade, syntheticPersonalRecord } from '../../../sim/population/profile-card.ts';
import { summarise } from '../../helpers/run.ts';
import { compressionFor, drive, smallScenario } from './drive-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('synthetic personal records', () => {
  const scenario = smallScenario({ participants: 300, days: 1, seed: 11 });

  it('drive mode enrols every participant with its record, and the server holds them', async () => {
    const server = await startServerProcess(scenario, compressionFor(scenario, 4));
    try {
      const made = personalRecordsMade.count;
      const result = await drive(scenario, { compression: compressionFor(scenario, 4), target: { url: server.url, officerToken: server.officerToken } });
      expect(result.abortedBy).toBeUndefined();
      expect(personalRecordsMade.count - made).toBe(scenario.participants);
      const population = buildPopulation(scenario, 0, scenario.participants);
      for (const row of [0, 7, 299]) {
        const response = await fetch(`${server.url}/v1/participants/p${row}/record`, { headers: { authorization: `Bearer ${server.officerToken}` } });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ participantId: `p${row}`, state: 'held', personalRecord: syntheticPersonalRecord(scenario.seed, population, row) });
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^checkin_personal_records 300$/m);
      expect(metrics).toMatch(/^checkin_personal_records_deleted_total 0$/m);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('sim mode makes none', async () => {
    const made = personalRecordsMade.count;
    await summarise(scenario);
    expect(personalRecordsMade.count).toBe(made);
  });

  it('gives a participant the same record in every run, process and id range', () => {
    const rows = [0, 5, 123, 299];
    const population = buildPopulation(scenario, 0, scenario.participants);
    const here = rows.map((row) => syntheticPersonalRecord(scenario.seed, population, row));
    // Another range of the population: the record depends on the participant's id, not its row.
    const tail = buildPopulation(scenario, 100, 200);
    expect(syntheticPersonalRecord(scenario.seed, tail, 23)).toEqual(here[2]);
    // Another process, built from scratch.
    const script = `
      import { loadScenario } from './scenarios/index.ts';
      import { buildPopulation } from './sim/population/population.ts';
      import { syntheticPersonalRecord } from './sim/population/profile-card.ts';
      const scenario = loadScenario({ file: 'scenarios/baseline.yaml', overrides: ${JSON.stringify({ participants: 300, days: 1, seed: 11, 'backend.errorRate': 0 })} });
      const population = buildPopulation(scenario, 0, scenario.participants);
      process.stdout.write(JSON.stringify(${JSON.stringify(rows)}.map((row) => syntheticPersonalRecord(scenario.seed, population, row))));`;
    const there = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(there).toEqual(here);
    // Another seed, another person.
    expect(syntheticPersonalRecord(scenario.seed + 1, population, 5).name).not.toBe(here[1]!.name);
  });

  it('are valid for the server, clearly synthetic, and unique by case number', () => {
    const big = smallScenario({ participants: 20_000, days: 1, seed: 11 });
    const population = buildPopulation(big, 0, big.participants);
    const validate = new Ajv({ strict: false }).compile(PersonalRecordSchema);
    const records = Array.from({ length: population.size }, (_, row) => syntheticPersonalRecord(big.seed, population, row));
    for (const record of records) {
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
      checkPersonalRecord(record, 'record');
      expect(record.caseNumber).toMatch(/^SYN-\d{8}-\d$/);
      expect(record.phoneNumber).toMatch(/^\(\d{3}\) 555-01\d{2}$/);
    }
    expect(new Set(records.map((record) => record.caseNumber)).size).toBe(records.length);
    expect(new Set(records.map((record) => record.name)).size).toBeGreaterThan(0.9 * records.length);
    expect(new Set(records.map((record) => record.language))).toEqual(new Set(['es', 'en', 'ht', 'pt', 'zh', 'quc', 'ru', 'fr', 'mam', 'ar', 'und']));
  });
});
