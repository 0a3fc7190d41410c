import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, officer, OFFICER_TOKEN, removeTempDirs, sampleWithSimilarity, spawnServe, tempDir, unitVector } from './server-fixtures.ts';

afterAll(removeTempDirs);

const PARTICIPANTS = 20;
const ATTEMPTS = 400;
const KILL_AFTER_ACKS = 150;
const CONCURRENCY = 8;

describe('durability', () => {
  it('keeps every acknowledged check-in across kill -9 and restart, none twice', async () => {
    const dir = tempDir();
    const db = join(dir, 'checkin.db');
    const config = join(dir, 'server.yaml');
    writeFileSync(config, 'policy: { maxAttempts: 20, windowMinutes: 100000 }\nrateLimit: { max: 0 }\noverload: { maxEventLoopDelayMs: 0 }\n');
    const args = ['--port', '0', '--db', db, '--config', config, '--officer-token', OFFICER_TOKEN];
    const first = await spawnServe(args);
    const agent = new Agent({ connections: CONCURRENCY });
    const call = async (url: string, method: 'GET' | 'POST', headers: Record<string, string>, body?: unknown) => {
      const response = await request(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), dispatcher: agent });
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };

    const templates = Array.from({ length: PARTICIPANTS }, (_, index) => unitVector(`d-${index}`));
    const enrolled = await call(`${first.url}/v1/participants/bulk`, 'POST', officer, {
      participants: templates.map((template, index) => ({ participantId: `d-${index}`, template })),
    });
    expect(enrolled.status).toBe(201);
    const tokens = (enrolled.body.tokens as { token: string }[]).map((entry) => entry.token);
    for (let index = 0; index < PARTICIPANTS; index++) {
      expect((await call(`${first.url}/v1/participants/d-${index}/windows`, 'POST', officer, { windowId: 'w', kind: 'scheduled' })).status).toBe(201);
    }

    const attempt = (n: number) => {
      const index = n % PARTICIPANTS;
      return { index, body: { windowId: 'w', attemptId: `a-${n}`, modality: 'face', sample: sampleWithSimilarity(templates[index]!, 0.2 + (n % 7) / 10, `s-${n}`), capture: { livenessScore: 0.9 } } };
    };
    const acked = new Set<string>();
    const unacked = new Set<number>();
    let next = 0;
    // Each worker sends until a request of its own fails, so every worker has one request cut by the kill.
    const worker = async () => {
      while (next < ATTEMPTS) {
        const n = next++;
        const { index, body } = attempt(n);
        try {
          const response = await call(`${first.url}/v1/participants/d-${index}/checkins`, 'POST', bearer(tokens[index]!), body);
          expect(response.status).toBe(201);
          acked.add(body.attemptId);
          if (acked.size === KILL_AFTER_ACKS) first.child.kill('SIGKILL');
        } catch {
          unacked.add(n);
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(unacked.size, 'the kill cut the stream').toBe(CONCURRENCY);

    const second = await spawnServe(args);
    try {
      const historyOf = async (index: number) => {
        const history = await call(`${second.url}/v1/participants/d-${index}/history?limit=1000`, 'GET', officer);
        return history.body as { attempts: { attemptId: string }[]; windows: { attemptsUsed: number }[] };
      };
      const stored = async () => {
        const ids: string[] = [];
        for (let index = 0; index < PARTICIPANTS; index++) {
          const history = await historyOf(index);
          ids.push(...history.attempts.map((a) => a.attemptId));
          expect(history.windows[0]!.attemptsUsed).toBe(history.attempts.length);
        }
        return ids;
      };
      const afterCrash = await stored();
      expect(new Set(afterCrash).size).toBe(afterCrash.length);
      for (const id of acked) expect(afterCrash).toContain(id);

      // The client retries what it never heard back about, with the same attempt ids (tokens still valid).
      for (const n of unacked) {
        const { index, body } = attempt(n);
        const retry = await call(`${second.url}/v1/participants/d-${index}/checkins`, 'POST', bearer(tokens[index]!), body);
        expect([200, 201]).toContain(retry.status);
        expect(retry.body.replayed).toBe(retry.status === 200);
        expect(retry.body.replayed).toBe(afterCrash.includes(body.attemptId));
      }
      const afterRetry = await stored();
      expect(new Set(afterRetry).size).toBe(afterRetry.length);
      expect(afterRetry.length).toBe(acked.size + unacked.size);
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      await agent.close();
    }
  });
});
