import { num, ratio, rss } from './format.js';
import type { BenchResult, ComparisonRow, TargetSummary } from './result-types.js';
import type { ScenarioId } from './scenarios/plan.js';
import { BASELINE, PEER } from './summarise.js';
import { CHEAP_HASH } from './targets/cheap-hash.js';

const NAMES: Readonly<Record<ScenarioId, string>> = {
  discovery: 'discovery, req/s',
  jwks: 'JWKS, req/s',
  userinfo: 'userinfo (GET, Bearer), req/s',
  'client-credentials': 'client_credentials, req/s',
  'code-exchange': 'code exchange (codes made beforehand), req/s',
  refresh: 'refresh, req/s',
  'sso-flow': 'SSO flow: authorize with a session → code → token, flows/s',
  'sign-in-flow': 'full code flow with sign-in, flows/s',
  hello: 'Fastify hello, req/s',
};

/**
 * Sesame (SQLite) beside the peer, scenario by scenario, with the ratio and the fraction of the
 * limit; then the start and the RSS.
 */
export function comparisonTable(result: BenchResult): string[] {
  const sesame = result.targets.find((t) => t.id === BASELINE);
  const peer = result.targets.find((t) => t.id === PEER);
  const hasPostgres = result.comparison.some((row) => row.postgres1 !== null || row.postgres2 !== null);
  const head = ['', 'oidc-provider', 'Sesame, SQLite', 'Sesame/peer', 'Sesame’s limit', 'Sesame/limit'];
  if (hasPostgres) head.push('Sesame, PostgreSQL ×1', 'Sesame, PostgreSQL ×2');
  const rows = result.comparison.map((row) => {
    const cells = [
      rowName(result, row, sesame, peer),
      num(row.peer, 1),
      num(row.sesame, 1),
      ratio(row.ratioToPeer),
      row.limit ? `${num(row.limit.value, 1)} (${row.limit.name})` : '—',
      ratio(row.limit?.fraction ?? null),
    ];
    if (hasPostgres) cells.push(num(row.postgres1, 1), num(row.postgres2, 1));
    return cells;
  });
  const width = head.length;
  const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
  if (sesame || peer) {
    const start = [sesame?.coldStartMs ?? null, peer?.coldStartMs ?? null] as const;
    rows.push(
      pad([
        'start to first 200 from discovery, ms',
        num(start[1], 0),
        num(start[0], 0),
        start[0] && start[1] ? ratio(Math.round((start[1] / start[0]) * 100) / 100) : '—',
      ]),
      pad([
        'RSS idle / under load (largest seen), MiB',
        peer ? `${rss(peer.idleRssMiB)} / ${rss(peer.loadRssMiB)}` : '—',
        sesame ? `${rss(sesame.idleRssMiB)} / ${rss(sesame.loadRssMiB)}` : '—',
        '',
      ]),
    );
  }
  return [
    `| ${head.join(' | ')} |`,
    `|---|${head
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    'Medians over the rounds. Sesame/peer above 1 is Sesame ahead (for the start, the peer’s time ÷ ' +
      'Sesame’s). Sesame/limit is Sesame’s figure as a fraction of the bound the limits set on one core ' +
      '(below). Signed tokens per response are counted in the answers, not assumed.',
  ];
}

function rowName(
  result: BenchResult,
  row: ComparisonRow,
  sesame: TargetSummary | undefined,
  peer: TargetSummary | undefined,
): string {
  const name = NAMES[row.scenario];
  const of = (t: TargetSummary | undefined) => t?.scenarios.find((s) => s.scenario === row.scenario);
  const signed = (t: TargetSummary | undefined) => of(t)?.signaturesPerResponse ?? '?';
  switch (row.scenario) {
    case 'client-credentials':
    case 'code-exchange':
      return `${name} (signed tokens per response: Sesame ${signed(sesame)}, peer ${signed(peer)})`;
    case 'refresh':
      return (
        `${name} (Sesame ${rotation(of(sesame)?.rotates)}, the peer ${rotation(of(peer)?.rotates)}; ` +
        `signed tokens per response: Sesame ${signed(sesame)}, peer ${signed(peer)})`
      );
    case 'sign-in-flow': {
      if (row.variant === 'cheap-hash') {
        const { memory_kib: m, iterations: t, parallelism: p } = CHEAP_HASH;
        return `${name}, cheap hash (Sesame’s \`passwords\` setting at argon2id m=${m} KiB, t=${t}, p=${p}; the peer’s handler hashes nothing)`;
      }
      const { m, t, p } = result.settings.argon2;
      return `${name} (Sesame verifies argon2id m=${m} KiB, t=${t}, p=${p}; the peer’s handler hashes nothing)`;
    }
    default:
      return name;
  }
}

function rotation(rotates: boolean | null | undefined): string {
  if (rotates === true) return 'rotates';
  if (rotates === false) return 'does not rotate';
  return 'rotation not seen';
}

/** The limits measured in the run, medians over the rounds. */
export function limitsTable(result: BenchResult): string[] {
  const { m, t, p } = result.settings.argon2;
  const rows: [string, BenchResult['limits'][keyof BenchResult['limits']]][] = [
    ['bare Fastify hello, req/s (through the same load generator)', result.limits.hello],
    [`${result.settings.alg} signatures/s, node:crypto, sign only`, result.limits.signing],
    [`argon2id hashes/s (m=${m} KiB, t=${t}, p=${p}), @node-rs/argon2`, result.limits.argon2id],
  ];
  return [
    '### Limits, one core, same run',
    '',
    '| limit | median | min–max |',
    '|---|---:|---:|',
    ...rows.map(
      ([name, s]) =>
        `| ${name} | ${s ? num(s.median, 1) : '—'} | ${s ? `${num(s.min, 1)}–${num(s.max, 1)}` : '—'} |`,
    ),
  ];
}
