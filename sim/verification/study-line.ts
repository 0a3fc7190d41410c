import type { MixedRate, VerificationSection } from '../metrics/verification-types.ts';
import type { ExactRate } from '../metrics/clopper-pearson.ts';

/** The study's headline for a terminal: per-window rates at each modality's threshold, 95 % intervals. */
export function formatStudyLine(section: VerificationSection): string {
  const modality = (name: 'face' | 'voice') => {
    const { threshold, atThreshold } = section[name];
    return `${name} at ${threshold}: false match ${rate(atThreshold.window.falseMatch)}, false non-match ${rate(atThreshold.window.falseNonMatch)} per window`;
  };
  const { falseAcceptsPerYear, verificationFalseFailuresPerYear } = section.fleet;
  return [
    `verification study (${section.design.impostorWindows.toLocaleString('en-US')} random-impostor windows a modality): ${modality('face')}; ${modality('voice')}`,
    `  a year for this fleet: ${falseAcceptsPerYear.value.toFixed(1)} false accepts (${falseAcceptsPerYear.low.toFixed(1)}–${falseAcceptsPerYear.high.toFixed(1)}), ${Math.round(verificationFalseFailuresPerYear.value).toLocaleString('en-US')} verification false failures (${Math.round(verificationFalseFailuresPerYear.low).toLocaleString('en-US')}–${Math.round(verificationFalseFailuresPerYear.high).toLocaleString('en-US')})`,
  ].join('\n');
}

function rate(estimate: ExactRate | MixedRate): string {
  return `${scientific(estimate.value)} (${scientific(estimate.low)}–${scientific(estimate.high)})`;
}

function scientific(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}
