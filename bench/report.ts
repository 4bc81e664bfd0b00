import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BenchResult, RunRecord, TargetSummary } from './result-types.js';
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

/** The results as Markdown: the summary table, how it was measured, then every run. */
export function markdownReport(result: BenchResult): string {
  const { settings, machine } = result;
  const lines = [
    `## SSO flow: Sesame on SQLite and PostgreSQL (${result.startedAt.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    '| target | flows/s (median) | min–max | × SQLite | failed flows | RSS after run (MiB) | Sesame CPU | PostgreSQL CPU | others’ CPU |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|',
    ...result.targets.map(summaryRow),
    '',
    'CPU columns: cores busy during the measured run (median); “others’” is every process but Sesame, ' +
      'PostgreSQL, the load generator and kernel threads (those are in the JSON).',
    '',
    `- **Flow**: GET authorize with the session cookie (code, PKCE S256, state, nonce, scope openid) → 302 → ` +
      `POST token (client_secret_basic) → access token and ID token checked (nonce, aud); ` +
      `${settings.alg} signatures; each virtual user signed in once beforehand (not measured).`,
    `- **Load**: ${settings.concurrency} virtual users, one flow at a time each, over keep-alive connections; ` +
      `each run bounded by ${settings.flows} flows or ${settings.seconds} s, after ${settings.warmupFlows} ` +
      `warm-up flows; ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}, each running every target once, the order rotated each round; ` +
      `medians across rounds.`,
    `- **Sesame** ran ${settings.serverCode === 'dist' ? 'from the compiled build (dist/)' : 'from its TypeScript sources through tsx (its loader adds to the RSS)'}.`,
    `- **Machine**: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryMiB} MiB; ${machine.os}; ` +
      `node ${machine.node}${machine.postgres ? `; PostgreSQL ${machine.postgres}` : ''}.`,
    `- **Pinning**: ${result.pinning.note}.`,
    `- **Load from other processes**: ${loadObserved(result)}.`,
    '- **How requests were spread**:',
    ...result.targets.map((t) => `  - ${t.label}: ${t.spread}.`),
    ...result.skipped.map((s) => `- **Skipped** ${s.label}: ${s.reason}.`),
    '',
    '### Runs',
    '',
    '| round | target | flows/s | ok / failed | waited for quiet | busy before | others’ CPU during |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...result.runs.map((run) => runRow(result, run)),
    ...failureNotes(result),
    '',
  ];
  return lines.join('\n');
}

function summaryRow(t: TargetSummary): string {
  const failed = t.failedFlows > 0 || t.failedRuns > 0;
  const label = failed ? `${t.label} ⚠ **has failures**` : t.label;
  const fps = t.flowsPerSecond;
  const failures = [t.failedFlows > 0 ? `**${t.failedFlows}**` : '0'];
  if (t.failedRuns > 0) failures.push(`(**${t.failedRuns} run(s) not made**)`);
  const rss = Object.entries(t.rssMiB)
    .map(([name, mib]) => (Object.keys(t.rssMiB).length > 1 ? `${name} ${num(mib, 0)}` : num(mib, 0)))
    .join(', ');
  return `| ${[
    label,
    fps ? num(fps.median, 1) : '—',
    fps ? `${num(fps.min, 1)}–${num(fps.max, 1)}` : '—',
    t.ratioToSqlite === null ? '—' : `${t.ratioToSqlite.toFixed(2)}×`,
    failures.join(' '),
    rss || '—',
    num(t.cpu.sesame, 2),
    num(t.cpu.postgres, 2),
    num(t.cpu.other, 2),
  ].join(' | ')} |`;
}

function runRow(result: BenchResult, run: RunRecord): string {
  const label = result.targets.find((t) => t.id === run.target)?.label ?? run.target;
  if (run.error !== null) return `| ${run.round} | ${label} | — | **not made** | — | — | — |`;
  const quiet = run.quiet;
  const waited = quiet ? `${quiet.waitedSeconds} s${quiet.quiet ? '' : ' (not quiet)'}` : '—';
  const failed = run.failed + run.warmup.failed;
  return `| ${[
    run.round,
    label,
    num(run.flowsPerSecond, 1),
    `${run.succeeded} / ${failed > 0 ? `**${failed}**` : 0}`,
    waited,
    num(quiet?.busyCores ?? null, 2),
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
    const label = result.targets.find((t) => t.id === run.target)?.label ?? run.target;
    if (run.error !== null) notes.push(`- round ${run.round}, ${label}: not made: ${oneLine(run.error)}`);
    for (const failure of run.failures) {
      notes.push(`- round ${run.round}, ${label}: ${failure.count}× ${oneLine(failure.message)}`);
    }
    if (run.warmup.failed > 0)
      notes.push(`- round ${run.round}, ${label}: ${run.warmup.failed} warm-up flow(s) failed`);
  }
  return notes.length > 0 ? ['', '### Failures', '', ...notes] : [];
}

function num(value: number | null, digits: number): string {
  return value === null ? '—' : value.toFixed(digits);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
