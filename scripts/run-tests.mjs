#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and test) with Node's own
// test runner, TypeScript through tsx. Node 20's --test takes no globs, hence this finder.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
}
for (const root of roots) {
  if (statSync(root, { throwIfNoEntry: false })?.isFile()) files.push(root);
  else walk(root);
}
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
// A run that includes every conformance test rewrites docs/conformance.md from their results.
const conformanceDir = join('test', 'conformance');
const conformanceFiles = statSync(conformanceDir, { throwIfNoEntry: false }) ? [] : null;
if (conformanceFiles) {
  for (const name of readdirSync(conformanceDir))
    if (name.endsWith('.test.ts')) conformanceFiles.push(join(conformanceDir, name));
}
const fullConformance =
  conformanceFiles !== null &&
  conformanceFiles.length > 0 &&
  conformanceFiles.every((f) => files.includes(f));
if (fullConformance) rmSync(join('.test-results', 'conformance'), { recursive: true, force: true });
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
if (fullConformance) {
  const { writeConformanceReport } = await import('./conformance-report.mjs');
  if (writeConformanceReport()) console.log('wrote docs/conformance.md');
}
process.exit(result.status ?? 1);
