import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { num, rss } from './format.js';
import { comparisonTable, limitsTable } from './report-comparison.js';
import type { BenchResult, RunRecord } from './result-types.js';
import { median } from './stats.js';

/** Writes `<base>.json` and `<base>.md`; returns their paths. */
export async function writeReport(
  result: BenchResult,
  base: string,
): Promise<{ json: string; markdown: string }> {
  await mkdir(dirname(base), { recursive: true });
  const paths = { json: `${base}.json`, markdown: `${base}.md` };
  await writeFile(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(paths.markdown, markdownReport(result));
  return paths;
}

/** A load generator this busy may be what bounds the figure rather than the server. */
const LOAD_BOUND_CORES = 0.9;

/** The results as Markdown: the comparison, the limits, every target's figures, how, then every run. */
export function markdownReport(result: BenchResult): string {
  const lines = [
    `## Sesame beside oidc-provider (${result.startedAt.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    ...comparisonTable(result),
    '',
    ...limitsTable(result),
    '',
    ...targetTables(result),
    ...howMeasured(result),
    '',
    '### Runs',
    '',
    '| round | target | scenario | /s | ok / failed | waited for quiet | busy before | server CPU | load CPU | others’ CPU |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...result.runs.map((run) => runRow(result, run)),
    '',
    '| round | target | start to first 200 (ms) | idle RSS (MiB) |',
    '|---:|---|---:|---|',
    ...result.starts.map(
      (s) =>
        `| ${s.round} | ${labelOf(result, s.target)} | ${s.error ? '**not started**' : num(s.coldStartMs, 0)} | ${rss(s.idleRssMiB)} |`,
    ),
    ...failureNotes(result),
    '',
  ];
  return lines.join('\n');
}

function targetTables(result: BenchResult): string[] {
  const lines = [
    '### Every target',
    '',
    '| target | scenario | /s (median) | min–max | failed | server CPU | load CPU | PostgreSQL CPU | others’ CPU |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of result.targets) {
    for (const s of t.scenarios) {
      const failures = [s.failed > 0 ? `**${s.failed}**` : '0'];
      if (s.failedRuns > 0) failures.push(`(**${s.failedRuns} run(s) not made**)`);
      const loadBound = (s.cpu.load ?? 0) >= LOAD_BOUND_CORES ? ' ⚠ load-bound?' : '';
      const label = s.failed > 0 || s.failedRuns > 0 ? `${t.label} ⚠ **has failures**` : t.label;
      lines.push(
        `| ${[
          label,
          s.scenario,
          s.perSecond ? num(s.perSecond.median, 1) : '—',
          s.perSecond ? `${num(s.perSecond.min, 1)}–${num(s.perSecond.max, 1)}` : '—',
          failures.join(' '),
          num(s.cpu.server, 2),
          `${num(s.cpu.load, 2)}${loadBound}`,
          num(s.cpu.postgres, 2),
          num(s.cpu.other, 2),
        ].join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    'CPU columns: cores busy during the measured run (median). “load-bound?”: the load generator used ' +
      `${LOAD_BOUND_CORES} of its core or more, so the figure may be its limit rather than the server’s.`,
    '',
  );
  return lines;
}

function howMeasured(result: BenchResult): string[] {
  const { settings, machine } = result;
  return [
    `- **Load**: ${settings.concurrency} virtual users, one request or flow in flight each, over keep-alive ` +
      `connections, from a load-generator process of its own; each run bounded by ${settings.requests} requests ` +
      `(${settings.flows} for flows and code exchange) or ${settings.seconds} s, after ${settings.warmup} warm-up ` +
      `ones; ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}, every target started afresh in each, ` +
      'the order rotated each round; medians across rounds. ' +
      (settings.limitSeconds > 0
        ? `Limit probes ran ${settings.limitSeconds} s each per round.`
        : 'No limit probes (--limit-seconds 0).'),
    `- **Signing**: ${settings.alg}, one key shared by every target.`,
    `- **Sesame** ran ${settings.serverCode === 'dist' ? 'from the compiled build (dist/)' : 'from its TypeScript sources through tsx (its loader adds to the start and the RSS)'}; ` +
      'oidc-provider and the limits run as plain JavaScript.',
    `- **Machine**: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryMiB} MiB; ${machine.os}; ` +
      `node ${machine.node}; oidc-provider ${machine.oidcProvider ?? '—'}; Fastify ${machine.fastify ?? '—'}` +
      `${machine.postgres ? `; PostgreSQL ${machine.postgres}` : ''}.`,
    `- **Pinning**: ${result.pinning.note}.`,
    `- **Load from other processes**: ${loadObserved(result)}.`,
    '- **Targets**:',
    ...result.targets.map(
      (t) =>
        `  - ${t.label}: ${t.description}; ${t.spread}` +
        Object.entries(t.notes)
          .map(([k, v]) => `; ${k}: ${v}`)
          .join('') +
        '.',
    ),
    ...result.skipped.map((s) => `- **Skipped** ${s.label}: ${s.reason}.`),
  ];
}

function runRow(result: BenchResult, run: RunRecord): string {
  const label = labelOf(result, run.target);
  if (run.error !== null)
    return `| ${run.round} | ${label} | ${run.scenario} | — | **not made** | — | — | — | — | — |`;
  const quiet = run.quiet;
  const waited = quiet ? `${quiet.waitedSeconds} s${quiet.quiet ? '' : ' (not quiet)'}` : '—';
  const failed = run.failed + run.warmup.failed;
  return `| ${[
    run.round,
    label,
    run.scenario,
    num(run.perSecond, 1),
    `${run.succeeded} / ${failed > 0 ? `**${failed}**` : 0}`,
    waited,
    num(quiet?.busyCores ?? null, 2),
    num(run.cpu?.groups.server ?? null, 2),
    num(run.cpu?.groups.load ?? null, 2),
    num(run.cpu?.other ?? null, 2),
  ].join(' | ')} |`;
}

function loadObserved(result: BenchResult): string {
  const made = result.runs.filter((run) => run.error === null);
  const before = made.map((run) => run.quiet?.busyCores).filter((v): v is number => typeof v === 'number');
  const during = made.map((run) => run.cpu?.other).filter((v): v is number => typeof v === 'number');
  const quiet = made.filter((run) => run.quiet?.quiet).length;
  const [one, five, fifteen] = result.machine.loadavgAtStart;
  const parts = [`loadavg ${one.toFixed(2)} / ${five.toFixed(2)} / ${fifteen.toFixed(2)} at start`];
  if (before.length > 0) {
    parts.push(
      `before each run, busy cores median ${num(median(before), 2)} (max ${num(Math.max(...before), 2)}); ` +
        `quiet (< ${result.settings.quietThresholdCores} cores) reached before ${quiet} of ${made.length} runs ` +
        `within ${result.settings.quietWaitSeconds} s`,
    );
  }
  if (during.length > 0) {
    parts.push(
      `during runs, other processes used median ${num(median(during), 2)} cores (max ${num(Math.max(...during), 2)})`,
    );
  }
  return parts.join('; ');
}

function failureNotes(result: BenchResult): string[] {
  const notes: string[] = [];
  for (const run of result.runs) {
    const where = `round ${run.round}, ${labelOf(result, run.target)}, ${run.scenario}`;
    if (run.error !== null) notes.push(`- ${where}: not made: ${oneLine(run.error)}`);
    for (const failure of run.failures)
      notes.push(`- ${where}: ${failure.count}× ${oneLine(failure.message)}`);
    if (run.warmup.failed > 0)
      notes.push(`- ${where}: ${run.warmup.failed} warm-up request(s) or flow(s) failed`);
  }
  for (const probe of result.probes) {
    if (probe.error !== null)
      notes.push(`- round ${probe.round}, limit ${probe.probe}: ${oneLine(probe.error)}`);
  }
  return notes.length > 0 ? ['', '### Failures', '', ...notes] : [];
}

function labelOf(result: BenchResult, id: string): string {
  return result.targets.find((t) => t.id === id)?.label ?? id;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
