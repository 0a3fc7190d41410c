import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in the repository's Markdown (README.md, docs/*.md and the others) points to a
 * file of the repository, and its #anchor, if any, to a heading of that file (GitHub's slugs). No
 * link leaves the repository, and no page names the team's shared folder, which a clone does not have.
 */

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'out', 'coverage']);

function markdownFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : markdownFiles(path);
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The text without fenced code blocks and inline code spans, line numbers kept. */
function proseOf(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`+[^`]*`+/g, '');
  });
}

interface Link {
  line: number;
  target: string;
}

function linksOf(text: string): Link[] {
  const links: Link[] = [];
  proseOf(text).forEach((line, index) => {
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: index + 1, target: match[1]! });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+".*")?\s*$/.exec(line);
    if (definition) links.push({ line: index + 1, target: definition[1]! });
  });
  return links;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const plain = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]/g, '');
    const slug = plain
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);
const shown = (file: string) => relative(ROOT, file).split(sep).join('/');

describe('relative links in Markdown', () => {
  const files = markdownFiles(ROOT);

  it('finds the Markdown files', () => {
    const names = files.map(shown);
    expect(names).toContain('README.md');
    expect(names).toContain('docs/design.md');
    expect(names).toContain('docs/calibration.md');
  });

  it('resolve to files in the repository, and #anchors to headings', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const { line, target } of linksOf(text)) {
        if (isExternal(target)) continue;
        const where = `${shown(file)}:${line} → ${target}`;
        const [rawPath = '', anchor] = target.split('#', 2);
        const path = decodeURIComponent(rawPath);
        const destination = path === '' ? file : path.startsWith('/') ? join(ROOT, path) : resolve(dirname(file), path);
        const inside = relative(ROOT, destination);
        if (inside.startsWith('..') || resolve(ROOT, inside) !== destination) {
          problems.push(`${where}: points outside the repository`);
          continue;
        }
        if (/(^|\/)shared(\/|$)/.test(path) && path.includes('..')) {
          problems.push(`${where}: points to the shared folder`);
          continue;
        }
        if (!existsSync(destination)) {
          problems.push(`${where}: no such file`);
          continue;
        }
        if (anchor !== undefined && anchor !== '' && destination.endsWith('.md') && statSync(destination).isFile()) {
          if (!anchorsOf(readFileSync(destination, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) problems.push(`${where}: no heading #${anchor}`);
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('never name the shared folder outside the repository', () => {
    const mentions = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/\.\.\/shared\b|\/work\/shared\b/.test(line) ? [`${shown(file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(mentions, mentions.join('\n')).toEqual([]);
  });
});
