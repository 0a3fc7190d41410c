import { TIME_ZONES } from '../../scenarios/catalog.ts';
import { syntheticPersonalRecord } from '../population/profile-card.ts';
import { enrolledTemplate } from '../population/template.ts';
import { ENROL_BATCH } from './load-test-server.ts';
import { participantIdOf } from '../../scenarios/k6/lib/export-format.ts';
import type { HttpBackend } from '../backends/http.ts';
import type { Population } from '../population/population.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Enrols every participant in bulk batches; their tokens, by row. */
export async function enrolFleet(backend: HttpBackend, scenario: Scenario, population: Population): Promise<string[]> {
  const tokens: string[] = [];
  for (let first = 0; first < population.size; first += ENROL_BATCH) {
    const batch = Array.from({ length: Math.min(ENROL_BATCH, population.size - first) }, (_, index) => {
      const row = first + index;
      return {
        participantId: participantIdOf(population.idOf(row)),
        template: Array.from(enrolledTemplate(scenario.seed, population.idOf(row), scenario.biometrics.dimension)),
        timeZone: TIME_ZONES[population.timeZone[row]!]!.name,
        // Made here, per batch, as the server stores them: sim mode never makes one.
        personalRecord: syntheticPersonalRecord(scenario.seed, population, row),
      };
    });
    tokens.push(...(await backend.enrol(batch)));
  }
  return tokens;
}
