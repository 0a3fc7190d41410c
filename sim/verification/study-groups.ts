import type { MeanRate, MixedRate, VerificationSection } from '../metrics/verification-types.ts';

/** One group's per-window rates at a modality's threshold, and how many times the whole study's each is. */
export interface GroupDifferential {
  modality: 'face' | 'voice';
  name: string;
  threshold: number;
  falseNonMatch: MeanRate;
  falseMatch: MixedRate;
  /** Group rate / the study's rate over every group; null when that rate is 0. */
  falseNonMatchRatio: number | null;
  falseMatchRatio: number | null;
}

/**
 * Who bears the false failures and who is impersonated more easily: each group of the scenario
 * (`verification.groups`, synthetic labels) at each modality's threshold, per window. Empty when the
 * scenario has no groups.
 */
export function groupDifferentials(section: VerificationSection): GroupDifferential[] {
  return (['face', 'voice'] as const).flatMap((modality) => {
    const { threshold, atThreshold, groups } = section[modality];
    const ratio = (rate: number, whole: number) => (whole === 0 ? null : Number((rate / whole).toPrecision(3)));
    return groups.map((group) => ({
      modality,
      name: group.name,
      threshold,
      falseNonMatch: group.window.falseNonMatch,
      falseMatch: group.window.falseMatch,
      falseNonMatchRatio: ratio(group.window.falseNonMatch.value, atThreshold.window.falseNonMatch.value),
      falseMatchRatio: ratio(group.window.falseMatch.value, atThreshold.window.falseMatch.value),
    }));
  });
}

/** A rate with its interval in scientific notation, as the study's lines print it: `3.4e-4 (2.6e-4–4.3e-4)`. */
export function scientificRate(estimate: { value: number; low: number; high: number }): string {
  return `${scientific(estimate.value)} (${scientific(estimate.low)}–${scientific(estimate.high)})`;
}

function scientific(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

/** `×2.41`, or a dash when the whole study's rate is 0. */
export function timesWhole(ratio: number | null): string {
  return ratio === null ? '—' : `×${ratio}`;
}
