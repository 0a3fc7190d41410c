import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { buildRunReport } from '../../../sim/report/run-report.ts';
import { addVerificationStudy, drawStudies } from '../../../sim/verification/study-summary.ts';
import { groupDifferentials } from '../../../sim/verification/study-groups.ts';
import { formatStudyLine } from '../../../sim/verification/study-line.ts';
import { handBuiltSummary } from '../report/summary-fixture.ts';

// Each group's rates at the threshold, beside the whole study's, where a reader looks: the run
// report's headline and the terminal, not only summary.json.

const GROUPS = [
  { name: 'group-a', share: 0.7, genuineNoiseFactor: 1, impostorCorrelation: 0 },
  { name: 'group-b', share: 0.3, genuineNoiseFactor: 1.1, impostorCorrelation: 0.2 },
];

async function summaryWithGroups() {
  const scenario = loadScenario({
    overrides: { 'verification.groups': GROUPS, 'verification.genuineWindows': 20_000, 'verification.impostorWindows': 5_000, 'verification.lookAlikeWindows': 1_000 },
  });
  return addVerificationStudy(scenario, handBuiltSummary({ complied: 1000, impostor: 10 }), await drawStudies([scenario], { workers: 1 }));
}

describe('verification study: groups shown', () => {
  it("gives each group's per-window rates at the threshold and their ratio to the whole study's: the noisier group fails more, the correlated one is impersonated more", { timeout: 60_000 }, async () => {
    const summary = await summaryWithGroups();
    const rows = groupDifferentials(summary.verification!);
    expect(rows.map((row) => `${row.modality}/${row.name}`)).toEqual(['face/group-a', 'face/group-b', 'voice/group-a', 'voice/group-b']);
    for (const modality of ['face', 'voice'] as const) {
      const [a, b] = rows.filter((row) => row.modality === modality);
      expect(a!.falseNonMatch.windows + b!.falseNonMatch.windows).toBe(20_000);
      expect(b!.falseNonMatchRatio!).toBeGreaterThan(1);
      expect(a!.falseNonMatchRatio!).toBeLessThan(1);
      expect(b!.falseMatchRatio!).toBeGreaterThan(3 * a!.falseMatchRatio!);
      // The ratio is the group's rate over the whole study's at the same threshold.
      const whole = summary.verification![modality].atThreshold.window.falseNonMatch.value;
      expect(b!.falseNonMatchRatio!).toBeCloseTo(b!.falseNonMatch.value / whole, 2);
    }
  });

  it('prints a group table under the study line, and adds a headline row per group and modality to report.html', { timeout: 60_000 }, async () => {
    const summary = await summaryWithGroups();
    const [b] = groupDifferentials(summary.verification!).filter((row) => row.name === 'group-b' && row.modality === 'face');
    const terminal = formatStudyLine(summary.verification!);
    expect(terminal).toContain('study group (synthetic)');
    const line = terminal.split('\n').find((text) => text.includes('group-b (face)'))!;
    expect(line.split('│').map((cell) => cell.trim())).toEqual(['', 'group-b (face)', '0.325', expect.stringMatching(/^\S+ \(\S+–\S+\)$/), `×${b!.falseNonMatchRatio}`, expect.any(String), `×${b!.falseMatchRatio}`, '']);
    const html = await buildRunReport(summary);
    expect(html).toContain('<th scope="row">group group-b, face at 0.325</th>');
    expect(html).toContain(`<th scope="row">verification study, voice at 0.325</th>`);
    expect(html).toContain(`×${b!.falseNonMatchRatio}</td>`);
  });

  it('prints no group table and no group rows for a scenario without groups', async () => {
    const scenario = loadScenario({ overrides: { 'verification.genuineWindows': 1_000, 'verification.impostorWindows': 1_000, 'verification.lookAlikeWindows': 1_000 } });
    const summary = addVerificationStudy(scenario, handBuiltSummary(), await drawStudies([scenario], { workers: 1 }));
    expect(formatStudyLine(summary.verification!).split('\n')).toHaveLength(2);
    expect(await buildRunReport(summary)).not.toContain('<th scope="row">group ');
  });
});
