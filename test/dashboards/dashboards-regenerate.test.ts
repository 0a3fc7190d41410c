import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, dashboardJson } from '../../dashboards/index.ts';
import { K6_RULES_FILE, k6RecordingRulesYaml } from '../../dashboards/k6-recording-rules.ts';
import { labelVariables, panelQueries } from './dashboard-queries.ts';

const jsonDir = new URL('../../dashboards/json/', import.meta.url);

describe('dashboards as code', () => {
  it('regenerate to the committed bytes (npm run dashboards)', () => {
    for (const { file, build } of DASHBOARDS) {
      expect(readFileSync(new URL(file, jsonDir), 'utf8'), `dashboards/json/${file} is stale: run npm run dashboards`).toBe(dashboardJson(build));
    }
    expect(readdirSync(jsonDir).sort()).toEqual(DASHBOARDS.map(({ file }) => file).sort());
    expect(readFileSync(new URL(`../../dashboards/${K6_RULES_FILE}`, import.meta.url), 'utf8'), `dashboards/${K6_RULES_FILE} is stale: run npm run dashboards`).toBe(k6RecordingRulesYaml());
  });

  it('give the same bytes twice in one process', () => {
    for (const { build } of DASHBOARDS) expect(dashboardJson(build)).toBe(dashboardJson(build));
  });

  it('each have the data source, scenario and run variables, and filter every query by run and scenario', () => {
    const uids = new Set<string>();
    for (const { build } of DASHBOARDS) {
      const dashboard = build();
      expect(uids.has(dashboard.uid!), dashboard.uid).toBe(false);
      uids.add(dashboard.uid!);
      const names = (dashboard.templating.list ?? []).map((variable) => `${variable.type}:${variable.name}`);
      expect(names).toEqual(['datasource:datasource', 'query:scenario', 'query:run']);
      expect([...labelVariables(dashboard).values()].map(({ label }) => label)).toEqual(['scenario', 'run']);
      const queries = panelQueries(dashboard);
      expect(queries.length).toBeGreaterThan(5);
      for (const query of queries) {
        // Every selector of the query carries the run filter.
        const selectors = query.expr.match(/[a-z_:]+\{[^}]*\}/g) ?? [];
        expect(selectors.length, `${query.panel}: ${query.expr}`).toBeGreaterThan(0);
        for (const selector of selectors) expect(selector, `${query.panel}: ${query.expr}`).toContain('run=~"$run",scenario=~"$scenario"');
      }
      const ids = JSON.stringify(dashboard).match(/"id":\d+/g) ?? [];
      expect(new Set(ids).size, `${dashboard.title}: panel ids are unique`).toBe(ids.length);
      for (const panel of dashboard.panels ?? []) {
        if (panel.type === 'row') continue;
        expect(panel.datasource, `${dashboard.title} / ${panel.title}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
    }
  });
});
