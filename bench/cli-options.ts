import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SigningAlg } from '../src/config/types.js';
import type { HarnessOptions } from './harness.js';
import { SCENARIOS, type ScenarioId } from './scenarios/plan.js';
import { DEFAULT_POSTGRES_URL } from './targets/postgres.js';
import { allTargets } from './targets/registry.js';

export const USAGE = `Usage: npm run bench -- [options]

Runs Sesame (on SQLite; the flows also on PostgreSQL, once and twice on one schema, when the
server is reachable) side by side with panva's oidc-provider and a bare Fastify hello, measures
the one-core signing and argon2id limits, and writes <out>.json and <out>.md. See
docs/performance.md.

  --rounds N            rounds, each running every target once (default 3)
  --concurrency N       virtual users (default 16)
  --requests N          at most N measured requests per run of a request scenario (default 20000)
  --flows N             at most N measured flows (or codes redeemed) per run (default 3000)
  --seconds N           at most N seconds per run (default 10)
  --warmup N            warm-up requests or flows per run, not measured (default 200)
  --limit-seconds S     seconds each limit probe (signing, argon2id) runs per round; 0 for none (default 3)
  --alg ALG             RS256 (default), PS256, ES256 or EdDSA
  --targets A,B         among ${allTargets.map((t) => t.id).join(', ')} (default: all, in that order)
  --scenarios A,B       among ${SCENARIOS.join(', ')} (default: all)
  --postgres URL        the PostgreSQL server (default ${DEFAULT_POSTGRES_URL})
  --out PATH            output path without extension (default bench/results/latest)
  --quiet-wait S        wait at most S seconds for the machine to go quiet before each run (default 20)
  --quiet-below C       quiet means fewer than C cores busy (default 0.3)
  --no-pin              do not pin the servers and the load generator to CPUs
  --dist                run Sesame from the compiled build (bin/sesame.js, dist/: npm run build first)
                        instead of from the sources through tsx
  --micro               run the in-process micro benchmark instead (bench/micro.ts)
  --help
`;

export type Command =
  | { readonly kind: 'harness'; readonly options: HarnessOptions; readonly out: string }
  | { readonly kind: 'micro' }
  | { readonly kind: 'help' };

/** A command line that cannot be run; lists every problem. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Parses `npm run bench -- …`; reports every problem at once. */
export function parseCommand(argv: readonly string[], defaultOut: string): Command {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        rounds: { type: 'string' },
        concurrency: { type: 'string' },
        requests: { type: 'string' },
        flows: { type: 'string' },
        'limit-seconds': { type: 'string' },
        scenarios: { type: 'string' },
        seconds: { type: 'string' },
        warmup: { type: 'string' },
        alg: { type: 'string' },
        targets: { type: 'string' },
        postgres: { type: 'string' },
        out: { type: 'string' },
        'quiet-wait': { type: 'string' },
        'quiet-below': { type: 'string' },
        'no-pin': { type: 'boolean' },
        dist: { type: 'boolean' },
        micro: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: 'help' };
  if (values.micro) return { kind: 'micro' };
  const problems: string[] = [];
  const number = (name: string, raw: string | undefined, fallback: number, min: number, integer = true) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      problems.push(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, not "${raw}"`);
    }
    return value;
  };
  const rounds = number('rounds', values.rounds, 3, 1);
  const concurrency = number('concurrency', values.concurrency, 16, 1);
  const requests = number('requests', values.requests, 20000, 1);
  const flows = number('flows', values.flows, 3000, 1);
  const seconds = number('seconds', values.seconds, 10, 0.1, false);
  const warmup = number('warmup', values.warmup, 200, 0);
  const limitSeconds = number('limit-seconds', values['limit-seconds'], 3, 0, false);
  const maxSeconds = number('quiet-wait', values['quiet-wait'], 20, 0, false);
  const thresholdCores = number('quiet-below', values['quiet-below'], 0.3, 0, false);
  const alg = (values.alg ?? 'RS256') as SigningAlg;
  if (!ALGS.includes(alg)) problems.push(`--alg must be one of ${ALGS.join(', ')}, not "${values.alg}"`);
  const known = allTargets.map((t) => t.id);
  const targets = values.targets === undefined ? known : values.targets.split(',').map((t) => t.trim());
  for (const id of targets) if (!known.includes(id)) problems.push(`--targets: unknown target "${id}"`);
  if (targets.length === 0 || new Set(targets).size !== targets.length)
    problems.push('--targets must name each target at most once, and at least one');
  const scenarios = (
    values.scenarios === undefined ? [...SCENARIOS] : values.scenarios.split(',').map((t) => t.trim())
  ) as ScenarioId[];
  for (const id of scenarios)
    if (!(SCENARIOS as readonly string[]).includes(id))
      problems.push(`--scenarios: unknown scenario "${id}"`);
  if (scenarios.length === 0 || new Set(scenarios).size !== scenarios.length)
    problems.push('--scenarios must name each scenario at most once, and at least one');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    kind: 'harness',
    out: values.out === undefined ? defaultOut : resolve(values.out),
    options: {
      rounds,
      bounds: { concurrency, requests, flows, seconds, warmup },
      alg,
      targets,
      scenarios,
      limitSeconds,
      postgresUrl: values.postgres ?? DEFAULT_POSTGRES_URL,
      quiet: { maxSeconds, thresholdCores },
      pin: !values['no-pin'],
      serverCode: values.dist ? 'dist' : 'sources',
    },
  };
}
