import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a test run leaves behind. The run gets a temp folder of its own, made the system temp folder
 * of everything it starts (TMPDIR, which test workers and their child processes inherit): whatever is
 * still in it at the end was left by this run, and so is any process still running with it as TMPDIR,
 * whatever else runs on the machine meanwhile.
 */
export class RunLeftovers {
  readonly tempRoot: string;

  constructor() {
    this.tempRoot = mkdtempSync(join(tmpdir(), 'checkin-sim-test-run-'));
    process.env.TMPDIR = this.tempRoot;
  }

  /**
   * Temp folders and files left in the run's temp folder. Caches of compiled code are not leftovers:
   * tsx's (tsx-<uid>) and the project's own (checkin-sim-cache-<uid>, scenarios/common/cache-folder.ts).
   */
  tempEntries(): string[] {
    return readdirSync(this.tempRoot).filter((name) => !/^(tsx|checkin-sim-cache)-\d+$/.test(name));
  }

  /** Processes started by the run that still run: pid and command line. */
  processes(): string[] {
    const marker = `TMPDIR=${this.tempRoot}\0`;
    const running: string[] = [];
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker)) continue;
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        // vitest's own workers may still be exiting when the teardown runs.
        if (command.includes('node_modules/vitest/')) continue;
        running.push(`${pid}: ${command.slice(0, 160)}`);
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return running;
  }

  /** Removes the run's temp folder, with whatever was left in it. */
  remove(): void {
    rmSync(this.tempRoot, { recursive: true, force: true });
  }
}
