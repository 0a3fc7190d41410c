import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every module specifier a file names: static imports and re-exports (type-only ones too), dynamic import(), require(). */
export function importsOf(source: string): string[] {
  const code = withoutComments(source);
  const patterns = [
    /\bimport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s*)?from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*([^)]*)\)/g,
    /\brequire\s*\(\s*([^)]*)\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!.trim().replace(/^['"]|['"]$/g, '')));
}

/** The .ts and .js files under `directory`, node_modules aside. */
export function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(join(directory, entry.name));
    return /\.(?:ts|js)$/.test(entry.name) ? [join(directory, entry.name)] : [];
  });
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}
