import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../src/config/defaults.js';
import { onCpu } from '../machine/pinning.js';
import type { Argon2Parameters, TargetSettings } from '../targets/types.js';

/**
 * The limits measured by a process of their own, pinned like the servers: the one-core signing
 * rate of the alg with node:crypto, and the one-core argon2id hash rate with Sesame's parameters.
 */
export const LIMIT_PROBES = ['signing', 'argon2id'] as const;
export type LimitProbe = (typeof LIMIT_PROBES)[number];

/** Operations per second of one probe run. */
export interface ProbeResult {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * argon2id's parameters at Sesame's default `passwords.*`, which every target but
 * `sqlite-cheap-hash` keeps.
 */
export function sesameArgon2Parameters(): Argon2Parameters {
  return {
    m: defaultOf('passwords.memory_kib'),
    t: defaultOf('passwords.iterations'),
    p: defaultOf('passwords.parallelism'),
  };
}

function defaultOf(path: string): number {
  const value = CONFIG_KEYS.find((key) => key.path === path)?.default;
  if (typeof value !== 'number') throw new Error(`no numeric default for ${path}`);
  return value;
}

/** Runs `probe` for `seconds` on the servers' CPU. @throws Error when it fails. */
export async function runProbe(
  probe: LimitProbe,
  settings: TargetSettings,
  seconds: number,
): Promise<ProbeResult> {
  const args =
    probe === 'signing'
      ? [join(import.meta.dirname, 'sign-rate.mjs'), settings.alg, settings.keyFile, String(seconds)]
      : [
          join(import.meta.dirname, 'argon2-rate.mjs'),
          String(settings.argon2.m),
          String(settings.argon2.t),
          String(settings.argon2.p),
          String(seconds),
        ];
  const [command, argv] = onCpu(settings.serverCpu, process.execPath, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  if (code !== 0) throw new Error(`the ${probe} probe exited with ${code}: ${output.slice(-500)}`);
  const { operations, seconds: took } = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
    operations: number;
    seconds: number;
  };
  return {
    operations,
    seconds: Math.round(took * 1000) / 1000,
    perSecond: Math.round((operations / took) * 10) / 10,
  };
}
