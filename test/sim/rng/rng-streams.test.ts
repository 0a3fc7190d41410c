import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomStream, keyedUniform, participantStream, participantStreams } from '../../../sim/rng/index.ts';
import { Z_999 } from '../../helpers/intervals.ts';

const take = (stream: RandomStream, n: number) => Array.from({ length: n }, () => stream.uniform());

describe('seeded streams', () => {
  it('give the same sequence for the same (seed, purpose, id) and another for any other key', () => {
    const a = take(participantStream(42, 'life', 7), 20);
    expect(take(participantStream(42, 'life', 7), 20)).toEqual(a);
    expect(take(participantStream(43, 'life', 7), 20)).not.toEqual(a);
    expect(take(participantStream(42, 'life', 8), 20)).not.toEqual(a);
    expect(take(participantStream(42, 'profile', 7), 20)).not.toEqual(a);
  });

  it("are seedrandom's Alea, draw for draw", () => {
    for (const key of ['42/life/0', '42/profile/123456', '7/shocks', '', 'ünïcode/κλειδί', String(2 ** 32 - 1)]) {
      const reference = seedrandom.alea(key);
      const stream = new RandomStream(key);
      for (let draw = 0; draw < 1_000; draw++) expect(stream.uniform(), `${key} #${draw}`).toBe(reference());
    }
  });

  it("stay Alea's over long runs, including the rare draws whose carry moves t's integer part", () => {
    const reference = seedrandom.alea('42/life/carry');
    const stream = new RandomStream('42/life/carry');
    const n = 300_000;
    let firstMismatch = -1;
    for (let draw = 0; draw < n && firstMismatch < 0; draw++) if (stream.uniform() !== reference()) firstMismatch = draw;
    expect(firstMismatch).toBe(-1);
  });

  it("seed a participant's stream (prefix hashed once) as seedrandom seeds its whole key", () => {
    for (const id of [0, 7, 10, 99, 123_456, 10_000_000, 2 ** 31 - 1]) {
      const reference = seedrandom.alea(`42/life/${id}`);
      const stream = participantStream(42, 'life', id);
      for (let draw = 0; draw < 100; draw++) expect(stream.uniform(), `id ${id} #${draw}`).toBe(reference());
    }
  });

  it('seed the same whether ids are asked for in order (hashed a block at a time), again, or out of order', () => {
    const ids = [...Array.from({ length: 30 }, (_, i) => 990 + i), 1_003, 1_003, 1_002, 5, 6, 7, 8, 9, 10, 11, 99_999_998, 99_999_999, 100_000_000];
    for (const id of ids) {
      const reference = seedrandom.alea(`42/profile/${id}`);
      const stream = participantStream(42, 'profile', id);
      for (let draw = 0; draw < 3; draw++) expect(stream.uniform(), `id ${id} #${draw}`).toBe(reference());
    }
  });

  it('re-seed a used stream as a new stream of another id', () => {
    const streams = participantStreams(42, 'profile');
    const stream = streams.stream(3);
    for (const id of [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 2, 99_999_998, 99_999_999, 100_000_000, -1, 2 ** 53]) {
      stream.normal(); // leaves a spare normal, which the new stream must not return
      streams.reseed(stream, id);
      const fresh = participantStream(42, 'profile', id);
      expect(stream.draws, `id ${id}`).toBe(0);
      expect([stream.normal(), stream.normal(), ...take(stream, 5)], `id ${id}`).toEqual([fresh.normal(), fresh.normal(), ...take(fresh, 5)]);
      expect(take(participantStream(42, 'profile', id), 1)[0]).toBe(seedrandom.alea(`42/profile/${id}`)());
    }
  });

  it('count every draw', () => {
    const stream = new RandomStream('count');
    stream.uniform();
    stream.bernoulli(0.5);
    stream.integer(10);
    expect(stream.draws).toBe(3);
  });

  it('draw normals with mean 0 and variance 1 (99.9 % intervals)', () => {
    const stream = new RandomStream('normal');
    const n = 200_000;
    const values = Array.from({ length: n }, () => stream.normal());
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(Z_999 / Math.sqrt(n));
    // Var of the sample variance of a normal is 2/(n-1).
    expect(Math.abs(variance - 1)).toBeLessThan(Z_999 * Math.sqrt(2 / (n - 1)));
  });

  it.each([0.5, 2.5, 63.5])('draw Gamma(%f) with its mean and variance', (shape) => {
    const stream = new RandomStream(`gamma-${shape}`);
    const n = 100_000;
    const values = Array.from({ length: n }, () => stream.gamma(shape));
    const mean = values.reduce((s, v) => s + v, 0) / n;
    // Gamma(k, 1) has mean k and variance k.
    expect(Math.abs(mean - shape)).toBeLessThan(Z_999 * Math.sqrt(shape / n));
  });

  it('key uniforms by integers alone, spread over [0, 1)', () => {
    expect(keyedUniform(1, 2, 3, 4)).toBe(keyedUniform(1, 2, 3, 4));
    expect(keyedUniform(1, 2, 3, 4)).not.toBe(keyedUniform(1, 2, 3, 5));
    const n = 100_000;
    let below = 0;
    for (let i = 0; i < n; i++) if (keyedUniform(9, i, i % 7, i % 3) < 0.25) below++;
    expect(Math.abs(below / n - 0.25)).toBeLessThan(Z_999 * Math.sqrt((0.25 * 0.75) / n));
  });
});
