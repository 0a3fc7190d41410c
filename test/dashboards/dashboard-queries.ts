import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

/** One PromQL expression of one panel, with what a failure message needs to name it. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  /** The panel asks for the latest value only (stat, bar gauge). */
  instant: boolean;
}

interface PanelLike {
  title?: string;
  type?: string;
  panels?: PanelLike[];
  targets?: { refId?: string; expr?: string; instant?: boolean; range?: boolean }[];
}

/** Every PromQL expression of every panel (rows' nested panels included). */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const queries: PanelQuery[] = [];
  const visit = (panel: PanelLike) => {
    panel.panels?.forEach(visit);
    for (const target of panel.targets ?? []) {
      if (target.expr === undefined) continue;
      queries.push({
        dashboard: dashboard.title ?? '(untitled)',
        panel: panel.title ?? '(untitled)',
        refId: target.refId ?? '?',
        expr: target.expr,
        instant: target.instant === true && target.range !== true,
      });
    }
  };
  (dashboard.panels as PanelLike[] | undefined)?.forEach(visit);
  return queries;
}

/** The query variables of a dashboard, by name: `label_values(selector, label)`. */
export function labelVariables(dashboard: Dashboard): Map<string, { selector: string; label: string }> {
  const variables = new Map<string, { selector: string; label: string }>();
  for (const variable of dashboard.templating.list ?? []) {
    if (variable.type !== 'query' || typeof variable.query !== 'string') continue;
    const match = /^label_values\((.+),\s*(\w+)\)$/.exec(variable.query);
    if (!match) throw new Error(`${dashboard.title}: variable ${variable.name} is not label_values(selector, label): ${variable.query}`);
    variables.set(variable.name, { selector: match[1]!, label: match[2]! });
  }
  return variables;
}

/** Grafana's substitution of the dashboard variables a query uses. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$(__rate_interval|__interval|__range|\w+)|\$\{(\w+)\}/g, (_whole, plain: string | undefined, braced: string | undefined) => {
    const name = plain ?? braced!;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
    return value;
  });
}
