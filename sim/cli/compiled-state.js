// Whether dist/ (`npm run build`) holds the current sources: bin.js runs it only then.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const SOURCE_FOLDERS = ['sim', 'server-stub', 'scenarios'];

/** 'fresh', 'stale' (built before a source last changed) or 'absent'. */
export function compiledState() {
  let built;
  try {
    built = statSync(new URL('dist/.build-stamp', root)).mtimeMs;
  } catch {
    return 'absent';
  }
  const fresh = SOURCE_FOLDERS.every((folder) =>
    readdirSync(new URL(folder, root), { recursive: true })
      .filter((path) => path.endsWith('.ts'))
      .every((path) => statSync(new URL(`${folder}/${path}`, root)).mtimeMs <= built),
  );
  return fresh ? 'fresh' : 'stale';
}
