import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

const require = createRequire(import.meta.url);

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

const LINE_EVERY_MS = 2_000;

/**
 * Progress of long work on stderr: a bar on a terminal, otherwise a line every couple of seconds so
 * that logs of CI runs show the run moving without flooding.
 */
export function createProgress(label: string, unit = 'participants', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    // The bar's package is loaded for a terminal only: a run whose output goes to a log starts without it.
    const cliProgress = require('cli-progress') as typeof CliProgress;
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {detail}`, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, detail = '') {
        if (!started) {
          bar.start(total, 0, { detail });
          started = true;
        }
        bar.update(done, { detail });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLineAt = 0;
  return {
    update(done, total, detail = '') {
      const now = Date.now();
      if (now - lastLineAt < LINE_EVERY_MS && done < total) return;
      lastLineAt = now;
      stream.write(`${label}: ${done}/${total} ${unit} (${((100 * done) / Math.max(total, 1)).toFixed(0)}%)${detail ? ` ${detail}` : ''}\n`);
    },
    stop() {},
  };
}
