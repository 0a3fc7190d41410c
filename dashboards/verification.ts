import { FAILURE_CAUSES, JUDGEMENTS, isVerificationCause, type SampleModality } from '../scenarios/vocabulary.ts';
import { bars, dashboard, heatmap, intentIs, modalityIs, oneOf, rate, sel, stat, timeseries } from './panels.ts';

const SCORES = 'checkin_harness_similarity_score';
const THRESHOLD = 'checkin_harness_verification_threshold';
/** The causes a verification gives a window: a sample below the threshold, or judged not live. */
const REJECT_CAUSES = oneOf('cause', FAILURE_CAUSES.filter(isVerificationCause));

/** A quantile of the run's scores so far (cumulative buckets: sparse impostor scores still give a value). */
const scoreQuantile = (q: number, source: string, modality: SampleModality) =>
  `histogram_quantile(${q}, sum by (le) (${SCORES}_bucket${sel(`source="${source}",${modalityIs(modality)}`)}))`;

function scoresAgainstThreshold(modality: SampleModality, title: string) {
  return timeseries({
    title,
    description: `Low quantiles of genuine ${modality} scores and high quantiles of impostor scores, over the run so far, against the threshold: genuine scores below the line are false rejects, impostor scores above it false accepts.`,
    unit: 'none',
    queries: [
      { expr: scoreQuantile(0.01, 'genuine', modality), legend: 'genuine p1' },
      { expr: scoreQuantile(0.1, 'genuine', modality), legend: 'genuine p10' },
      { expr: scoreQuantile(0.5, 'genuine', modality), legend: 'genuine p50' },
      { expr: scoreQuantile(0.99, 'impostor', modality), legend: 'impostor p99' },
      { expr: `max(${THRESHOLD}${sel(modalityIs(modality))})`, legend: 'threshold' },
    ],
  });
}

/** Verification: similarity scores against the threshold, false rejects and false accepts. */
export function verificationDashboard() {
  // Long on purpose: a dashboard is one declaration, its panels in the order they are shown.
  return dashboard({
    uid: 'checkin-verification',
    title: 'checkin-sim / Verification',
    description:
      'Similarity scores of judged samples against the threshold, by ground truth (genuine or impostor), and the false rejects and false accepts they cause.',
    rows: [
      {
        title: 'Scores against the threshold',
        panels: [
          scoresAgainstThreshold('face', 'Face scores against the threshold'),
          scoresAgainstThreshold('voice', 'Voice scores against the threshold'),
          bars({
            title: 'Genuine face scores so far',
            description: 'How many genuine selfie scores fell in each bucket (upper bound shown) during the run.',
            queries: [{ expr: `sum by (le) (${SCORES}_bucket${sel(`source="genuine",${modalityIs('face')}`)})`, legend: '{{le}}', heatmap: true }],
          }),
          bars({
            title: 'Impostor face scores so far',
            description: 'How many impostor selfie scores fell in each bucket (upper bound shown) during the run.',
            queries: [{ expr: `sum by (le) (${SCORES}_bucket${sel(`source="impostor",${modalityIs('face')}`)})`, legend: '{{le}}', heatmap: true }],
          }),
          heatmap({
            title: 'Face similarity over time (server)',
            description: 'Every selfie score the server judged, genuine or not, bucketed over time.',
            queries: [{ expr: `sum by (le) (increase(checkin_similarity_score_bucket${sel(modalityIs('face'))}[$__rate_interval]))`, legend: '{{le}}' }],
          }),
          stat({
            title: 'Thresholds',
            description: "The scenario policy's similarity thresholds.",
            unit: 'none',
            decimals: 3,
            queries: [{ expr: `max by (modality) (${THRESHOLD}${sel()})`, legend: '{{modality}}' }],
          }),
        ],
      },
      {
        title: 'False rejects and false accepts',
        panels: [
          timeseries({
            title: 'Judgements (server)',
            description: `Samples judged per second: ${JUDGEMENTS.join(', ')}.`,
            unit: 'ops',
            stacked: true,
            queries: [{ expr: `sum by (outcome, modality) (${rate('checkin_attempts_total', oneOf('outcome', JUDGEMENTS))})`, legend: '{{outcome}} ({{modality}})' }],
          }),
          bars({
            title: 'False rejects so far (windows)',
            description: 'Good-faith windows lost to verification: face or voice below the threshold, or a live selfie judged not live.',
            queries: [{ expr: `sum by (cause) (checkin_harness_false_failures_total${sel(REJECT_CAUSES)})`, legend: '{{cause}}' }],
          }),
          timeseries({
            title: 'False-reject and false-accept rates so far',
            description: 'False rejects / compliant windows, and false accepts / impostor windows, over the run so far.',
            unit: 'percentunit',
            min: 0,
            queries: [
              {
                expr: `sum(checkin_harness_false_failures_total${sel(REJECT_CAUSES)}) / sum(checkin_harness_windows_total${sel(intentIs('complied'))})`,
                legend: 'false-reject rate',
              },
              {
                expr: `sum(checkin_harness_false_accepts_total${sel()}) / sum(checkin_harness_windows_total${sel(intentIs('impostor'))})`,
                legend: 'false-accept rate',
              },
            ],
          }),
          stat({
            title: 'False accepts so far',
            description: 'Windows answered by an impostor and verified, and their share of impostor windows.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_harness_false_accepts_total${sel()})`, legend: 'false accepts' },
              { expr: `sum(checkin_harness_windows_total${sel(intentIs('impostor'))})`, legend: 'impostor windows' },
            ],
          }),
        ],
      },
    ],
  });
}
