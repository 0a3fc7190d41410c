import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { OFFICER_TOKEN, spawnListening, type ServerProcess } from './server-fixtures.ts';

// `checkin-sim serve` runs the server in a child process started with --single-threaded-gc, since V8
// reads GC flags only at start-up. These check that the child is the one serving, that it gets the
// signals and hands back its exit, and that it never outlives the process that started it.

/** `checkin-sim serve` as a user starts it: node without flags. */
function serveAsUserDoes(...extra: string[]): Promise<ServerProcess> {
  return spawnListening(['sim/cli/bin.js', 'serve', '--port', '0', '--officer-token', OFFICER_TOKEN, ...extra]);
}

function childrenOf(pid: number): number[] {
  const listed = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return listed === '' ? [] : listed.split(' ').map(Number);
}

function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function serverChild(server: ServerProcess): number {
  const children = childrenOf(server.child.pid!);
  expect(children).toHaveLength(1);
  return children[0]!;
}

async function answersReady(url: string): Promise<number> {
  const response = await request(`${url}/readyz`);
  await response.body.dump();
  return response.statusCode;
}

describe('serve with the single-threaded garbage collector', () => {
  it('serves from a child started with --single-threaded-gc, which SIGTERM closes with status 0', async () => {
    const server = await serveAsUserDoes();
    const child = serverChild(server);
    expect(commandLineOf(child)).toContain('--single-threaded-gc');
    expect(commandLineOf(child)).toContain('--no-concurrent-recompilation');
    expect(commandLineOf(server.child.pid!)).not.toContain('--single-threaded-gc');
    expect(await answersReady(server.url)).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(child)).toBe(false);
    expect(server.output().match(/listening on/g)).toHaveLength(1);
  });

  it('relays SIGINT to the server once, which closes with status 0', async () => {
    const server = await serveAsUserDoes();
    const child = serverChild(server);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(child)).toBe(false);
  });

  it('ends as the server did when the server is killed', async () => {
    const server = await serveAsUserDoes();
    process.kill(serverChild(server), 'SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('shuts the server down when the process that started it is killed', async () => {
    const server = await serveAsUserDoes();
    const child = serverChild(server);
    server.child.kill('SIGKILL');
    await server.exited;
    await expect.poll(() => isRunning(child), { timeout: 10_000 }).toBe(false);
    await expect(answersReady(server.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('serves from its own process with --parallel-gc', async () => {
    const server = await serveAsUserDoes('--parallel-gc');
    expect(childrenOf(server.child.pid!)).toEqual([]);
    expect(await answersReady(server.url)).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
