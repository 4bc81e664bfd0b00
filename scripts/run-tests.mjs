#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and test) with Node's own
// test runner, TypeScript through tsx. Node 20's --test takes no globs, hence this finder.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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
// A test file whose process hangs before it runs a test (seen once in CI: a child stuck at
// start in a futex, no CPU used, under Node 20's off-thread loader hooks) would hold the run
// until CI's hard limit. No file takes near FILE_TIMEOUT_MS, so one that does is cancelled, and
// when the only failures are such files, they are run once more; a real hang hangs again and
// fails the run.
const FILE_TIMEOUT_MS = Number(process.env.SESAME_TEST_FILE_TIMEOUT_MS ?? 5 * 60 * 1000);
const tapFile = join('.test-results', 'run.tap');
mkdirSync(dirname(tapFile), { recursive: true });
const runFiles = (list) =>
  spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      `--test-timeout=${FILE_TIMEOUT_MS}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...list,
    ],
    { stdio: 'inherit' },
  );
let result = runFiles(files);
if (result.status !== 0) {
  const hung = filesThatTimedOut(readFileSync(tapFile, 'utf8'));
  if (hung !== null && hung.length > 0) {
    console.error(
      `!!! ${hung.length} test file(s) ran past ${FILE_TIMEOUT_MS / 1000} s and were cancelled, and nothing else failed: running them once more:\n${hung.map((f) => `    ${f}`).join('\n')}`,
    );
    result = runFiles(hung);
  }
}
if (fullConformance) {
  const { writeConformanceReport } = await import('./conformance-report.mjs');
  if (writeConformanceReport()) console.log('wrote docs/conformance.md');
}
process.exit(result.status ?? 1);

/**
 * The test files a TAP report says were cancelled whole for running too long, when those are
 * its only failures at the top level; null when anything else failed too.
 */
function filesThatTimedOut(tap) {
  const lines = tap.split('\n');
  const timedOut = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^not ok \d+ - (.*)$/.exec(lines[i]);
    if (match === null) continue;
    const details = [];
    for (let j = i + 1; j < lines.length && lines[j].startsWith('  '); j++) details.push(lines[j]);
    const isFile = match[1].endsWith('.test.ts');
    if (!isFile || !details.some((d) => d.includes("failureType: 'testTimeoutFailure'"))) return null;
    timedOut.push(match[1]);
  }
  return timedOut;
}
