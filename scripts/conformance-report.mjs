#!/usr/bin/env node
// Writes docs/conformance.md from the results the tests under test/conformance/ left in
// .test-results/conformance/ (one JSON file per test file; see test/conformance/plan.ts).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const dir = join(repo, '.test-results/conformance');

/** Writes the report; returns false when there are no results to write it from. */
export function writeConformanceReport(target = join(repo, 'docs/conformance.md')) {
  if (!existsSync(dir)) return false;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) return false;
  const byPlan = new Map();
  for (const file of files) {
    for (const result of JSON.parse(readFileSync(join(dir, file), 'utf8'))) {
      if (!byPlan.has(result.plan)) byPlan.set(result.plan, []);
      byPlan.get(result.plan).push(result);
    }
  }
  const all = [...byPlan.values()].flat();
  const plans = [...byPlan].sort(([a], [b]) => a.localeCompare(b, 'en'));
  const count = (what) => all.filter((r) => r.result === what).length;
  const lines = [
    '# Conformance',
    '',
    "Sesame carries its own test for each module of the OpenID Foundation's conformance plans",
    '(the suite itself cannot run here), under `test/conformance/`, one test per module, named',
    "after it and asserting what the suite's module asserts. This page is written by `npm test`",
    '(`scripts/conformance-report.mjs`) from the results of the last full run.',
    '',
    `**${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped** of ${all.length} modules.`,
    '',
    'Plans run once per variant (client authentication, response type, response mode), as the',
    "suite runs them. Modules named `sesame-…` are Sesame's own checks within a plan (discovery",
    'true to behaviour, retries of back-channel logout). A note after "passed" marks a choice the',
    'suite reports as a warning, not a failure.',
    '',
    '| plan | passed | failed | skipped |',
    '|---|---:|---:|---:|',
    ...plans.map(([plan, results]) => {
      const of = (what) => results.filter((r) => r.result === what).length;
      return `| ${escape(plan)} | ${of('passed')} | ${of('failed')} | ${of('skipped')} |`;
    }),
    '',
  ];
  for (const [plan, results] of plans) {
    lines.push(`## ${plan}`, '', '| module | what it checks | result |', '|---|---|---|');
    for (const r of results) {
      const outcome = `${r.result}${r.note ? ` (${escape(r.note)})` : ''}`;
      lines.push(`| \`${r.module}\` | ${escape(r.title)} | ${outcome} |`);
    }
    lines.push('');
  }
  writeFileSync(target, `${lines.join('\n')}`);
  return true;
}

function escape(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  if (!writeConformanceReport()) {
    console.error('no conformance results under .test-results/conformance; run the tests first');
    process.exit(1);
  }
}
