import { CodedError } from './common/coded-error.ts';

/**
 * Errors of scenario loading. Codes are stable (SCN_ERR_*): callers and tests branch on them, and
 * the table below is their documentation (test/sim/cli/cli-error-codes-documented.test.ts holds the two together).
 */
export const SCENARIO_ERRORS = {
  SCN_ERR_FILE_NOT_FOUND: 'the scenario file does not exist or cannot be read',
  SCN_ERR_YAML_SYNTAX: 'the file is not valid YAML (line and column given)',
  SCN_ERR_NOT_A_MAPPING: 'the file holds something other than a mapping of fields',
  SCN_ERR_INVALID: 'one or more fields break the schema (each named with what was expected)',
  SCN_ERR_EXTENDS: 'the scenario named by `extends` cannot be loaded, or the chain loops',
} as const;

export type ScenarioErrorCode = keyof typeof SCENARIO_ERRORS;

/** One problem in a scenario: where it is and what was expected there. */
export interface ScenarioIssue {
  /** Dotted path of the field, e.g. `glitches.pushLost`; empty for the file as a whole. */
  path: string;
  message: string;
  /** 1-based position in the file, when the field is in the file. */
  line?: number;
  column?: number;
}

/** Its message is the code's meaning, then each issue on a line of its own. */
export class ScenarioError extends CodedError<ScenarioErrorCode> {
  readonly file: string | undefined;
  readonly issues: readonly ScenarioIssue[];

  constructor(code: ScenarioErrorCode, file: string | undefined, issues: readonly ScenarioIssue[]) {
    super(code, formatIssues(code, file, issues));
    this.file = file;
    this.issues = issues;
  }
}

function formatIssues(code: ScenarioErrorCode, file: string | undefined, issues: readonly ScenarioIssue[]): string {
  const lines = issues.map((issue) => {
    const where = [file, issue.line === undefined ? undefined : `${issue.line}:${issue.column ?? 1}`].filter(Boolean).join(':');
    const field = issue.path === '' ? '' : `${issue.path}: `;
    return `  ${where === '' ? '' : `${where} `}${field}${issue.message}`;
  });
  return `${SCENARIO_ERRORS[code]}\n${lines.join('\n')}`;
}
