import { describe, expect, it } from 'vitest';
import { scenarioFailure, scenarioFolder } from '../helpers/scenario-files.ts';

/**
 * Bad values of the verification study's fields: differential factors out of range, empty groups,
 * study sizes too small. Each is refused with SCN_ERR_INVALID, naming the field and what was expected.
 */
const folder = scenarioFolder('verification-fields');

const group = (fields: string) => `verification:\n  groups:\n    - { name: reference, share: 0.6 }\n    - { ${fields} }\n`;

describe('verification study fields: bad values', () => {
  it.each([
    ['a false non-match differential below 1', group('name: b, share: 0.4, genuineNoiseFactor: 0.9'), 'verification.groups.1.genuineNoiseFactor', /^expected a number ≥ 1, got 0\.9$/],
    ['a false non-match differential above its range', group('name: b, share: 0.4, genuineNoiseFactor: 2'), 'verification.groups.1.genuineNoiseFactor', /^expected a number ≤ 1\.5, got 2$/],
    ['a false match differential above its range', group('name: b, share: 0.4, impostorCorrelation: 0.9'), 'verification.groups.1.impostorCorrelation', /^expected a number ≤ 0\.5, got 0\.9$/],
    ['a negative false match differential', group('name: b, share: 0.4, impostorCorrelation: -0.1'), 'verification.groups.1.impostorCorrelation', /^expected a number ≥ 0, got -0\.1$/],
    ['an empty group (share 0)', group('name: b, share: 0'), 'verification.groups.1.share', /^expected a number > 0, got 0$/],
    ['a group without a share', group('name: b'), 'verification.groups.1.share', /^is required$/],
    ['a group without a name', group('share: 0.4'), 'verification.groups.1.name', /^is required$/],
    ['a group with an empty name', group("name: '', share: 0.4"), 'verification.groups.1.name', /^expected .*synthetic label/],
    ['two groups of one name', group('name: reference, share: 0.4'), 'verification.groups.1.name', /^expected a name no other group has, got "reference" again$/],
    ['an unknown key in a group', group('name: b, share: 0.4, falseMatchFactor: 10'), 'verification.groups.1.falseMatchFactor', /^unknown key 'falseMatchFactor'/],
    ['a study too small', 'verification:\n  impostorWindows: 10\n', 'verification.impostorWindows', /^expected a number ≥ 1000, got 10$/],
    ['a night share above 1', 'verification:\n  nightAttemptShare: 1.5\n', 'verification.nightAttemptShare', /^expected a number ≤ 1 \(a probability\), got 1\.5$/],
  ])('refuses %s, naming the field and what was expected', (_case, text, path, message) => {
    const file = folder.write(text);
    const error = scenarioFailure(file);
    expect(error.code).toBe('SCN_ERR_INVALID');
    const issue = error.issues.find((candidate) => candidate.path === path);
    expect(issue, `issues: ${JSON.stringify(error.issues)}`).toBeDefined();
    expect(issue!.message).toMatch(message);
    expect(error.message).toContain(`${path}: `);
  });
});
