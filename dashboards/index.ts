import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { fleetLoadDashboard } from './fleet-load.ts';
import { complianceDashboard } from './compliance.ts';
import { verificationDashboard } from './verification.ts';
import { privacyDashboard } from './privacy.ts';
import { harnessDashboard } from './harness.ts';

/** Every dashboard, by the file it is written to under dashboards/json/. */
export const DASHBOARDS: readonly { file: string; build: () => Dashboard }[] = [
  { file: 'fleet-load.json', build: fleetLoadDashboard },
  { file: 'compliance.json', build: complianceDashboard },
  { file: 'verification.json', build: verificationDashboard },
  { file: 'privacy.json', build: privacyDashboard },
  { file: 'harness.json', build: harnessDashboard },
];

/** A dashboard as the bytes committed: two-space JSON and a final newline. */
export function dashboardJson(build: () => Dashboard): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
