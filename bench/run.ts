// `npm run bench`: Sesame side by side with panva's oidc-provider, and both beside the one-core
// limits (docs/performance.md). Every server runs as a process of its own, the load generator as
// another, loopback only, bounded in requests and time; the results go to
// bench/results/latest.{json,md} and the Markdown tables to standard output.
// `npm run bench -- --micro` runs the in-process micro benchmark (bench/micro.ts) instead.
import { join } from 'node:path';
import { USAGE, UsageError, parseCommand, type Command } from './cli-options.js';
import { runHarness } from './harness.js';
import { markdownReport, writeReport } from './report.js';

let command: Command;
try {
  command = parseCommand(process.argv.slice(2), join(import.meta.dirname, 'results', 'latest'));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}

if (command.kind === 'help') {
  process.stdout.write(USAGE);
} else if (command.kind === 'micro') {
  await import('./micro.js');
} else {
  const result = await runHarness(command.options, (line) => console.error(line));
  const written = await writeReport(result, command.out);
  process.stdout.write(`\n${markdownReport(result)}\n`);
  console.error(`wrote ${written.json} and ${written.markdown}`);
  // A benchmark whose requests failed measured something else: say so in the exit code.
  const failed =
    result.targets.some(
      (t) => t.failedStarts > 0 || t.scenarios.some((s) => s.failed > 0 || s.failedRuns > 0),
    ) || result.probes.some((p) => p.error !== null);
  if (failed) {
    console.error('some requests failed or runs could not be made: see the tables');
    process.exitCode = 3;
  }
}
