#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and test) with Node's own
// test runner, TypeScript through tsx. Node 20's --test takes no globs, hence this finder.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
// Tests that need a program this machine may lack (they import its helper, directly or through
// other test modules): outside CI they are left out with one loud line saying how to install
// it; under CI=true its absence fails the run.
const PROGRAMS = [
  {
    path: '/usr/sbin/slapd',
    helper: resolve('test/helpers/slapd.ts'),
    tests: 'LDAP',
    install: 'apt-get install -y slapd ldap-utils',
  },
  {
    path: '/usr/bin/chromium',
    helper: resolve('test/helpers/chromium.ts'),
    tests: 'browser',
    install: 'apt-get install -y chromium',
  },
];
const importsOf = new Map();
/** Every module `file` reaches through relative imports, itself included. */
function reachable(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!importsOf.has(file)) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    importsOf.set(
      file,
      specifiers.map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts'))),
    );
  }
  for (const next of importsOf.get(file)) reachable(next, seen);
  return seen;
}
for (const program of PROGRAMS) {
  if (existsSync(program.path)) continue;
  const needing = files.filter((file) => reachable(resolve(file)).has(program.helper));
  if (needing.length === 0) continue;
  if (process.env.CI === 'true') {
    console.error(
      `!!! ${program.path} is missing and CI needs the ${program.tests} tests: ${program.install}`,
    );
    process.exit(1);
  }
  console.error(
    `!!! SKIPPING ${needing.length} ${program.tests} test file(s): no ${program.path}. To run them: ${program.install}`,
  );
  for (const file of needing) files.splice(files.indexOf(file), 1);
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
