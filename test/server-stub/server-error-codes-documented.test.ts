import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_ERRORS } from '../../server-stub/errors.ts';

const ERRORS_PAGE = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** Rows of the error table: | `SRV_ERR_*` | status or — | meaning | */
const documented = new Map(
  [...ERRORS_PAGE.matchAll(/^\| `(SRV_ERR_[A-Z_]+)` \| (\d{3}|—) \| (.+) \|$/gm)].map(([, code, status]) => [code!, status === '—' ? undefined : Number(status)]),
);

describe('error codes', () => {
  it('documents every code of server-stub/errors.ts in docs/errors.md, with its status', () => {
    for (const [code, { status }] of Object.entries(SERVER_ERRORS)) {
      expect(documented.has(code), `${code} is not in the error table of docs/errors.md`).toBe(true);
      expect(documented.get(code), `${code} has another status in docs/errors.md`).toBe(status);
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of documented.keys()) expect(Object.keys(SERVER_ERRORS), `${code} is documented but not defined`).toContain(code);
  });

  it('gives every code a stable prefix and one status class', () => {
    for (const [code, { status }] of Object.entries(SERVER_ERRORS)) {
      expect(code).toMatch(/^SRV_ERR_[A-Z_]+$/);
      if (status !== undefined) expect(status).toBeGreaterThanOrEqual(400);
    }
  });
});
