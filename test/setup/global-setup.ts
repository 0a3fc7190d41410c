import { RunLeftovers } from './leftovers.ts';
import { ensureSystemTools } from './system-tools.ts';

/**
 * Before the suite: the Debian packages the browser and end-to-end tests need (not in the quick run).
 * After it: no temp folder and no child process a test made may be left behind, even by failed tests.
 */
export default function setup(): () => void {
  if (process.env.CHECKIN_SIM_TEST_QUICK !== '1') ensureSystemTools();
  const leftovers = new RunLeftovers();
  return () => {
    const folders = leftovers.tempEntries();
    const processes = leftovers.processes();
    leftovers.remove();
    const problems = [
      ...(folders.length > 0 ? [`temp folders or files: ${folders.join(', ')}`] : []),
      ...(processes.length > 0 ? [`processes still running:\n  ${processes.join('\n  ')}`] : []),
    ];
    if (problems.length > 0) throw new Error(`the tests left things behind (now removed from the temp folder):\n${problems.join('\n')}`);
  };
}
