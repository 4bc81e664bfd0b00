import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { clientCommand } from './client.js';

/** The secret every test run of `sesame client add` gets: 43 base64url characters, as 32 random bytes give. */
export const TEST_SECRET = 'TEST-secret_0123456789abcdefghijklmnopqrstu';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throw-away directory with a sesame.yaml naming `./identifier-registration.yaml`. */
export interface ClientSandbox {
  readonly dir: string;
  readonly configFile: string;
  readonly registrationFile: string;
  /** Runs `sesame client …` there with the test secret, and `--config` added unless `withConfig` is false. */
  run(argv: readonly string[], withConfig?: boolean): Promise<Run>;
}

/**
 * Makes a sandbox whose registration file holds `registration` (mode 0640, as an operator's
 * file might have) and whose sesame.yaml has `issuer` plus `extraConfig` lines.
 */
export async function clientSandbox(
  registration: string,
  options: { issuer?: string; extraConfig?: string; env?: Record<string, string> } = {},
): Promise<ClientSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-client-cli-'));
  const configFile = join(dir, 'sesame.yaml');
  const registrationFile = join(dir, 'identifier-registration.yaml');
  await writeFile(
    configFile,
    [
      `issuer: ${options.issuer ?? 'https://id.example.com'}`,
      'data_dir: ./data',
      'registration: ./identifier-registration.yaml',
      options.extraConfig ?? '',
    ].join('\n'),
  );
  await writeFile(registrationFile, registration);
  await chmod(registrationFile, 0o640);
  return {
    dir,
    configFile,
    registrationFile,
    async run(argv, withConfig = true) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: string[] = [];
      const err: string[] = [];
      stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
      stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
      const code = await clientCommand(
        withConfig ? [...argv, '--config', configFile] : [...argv],
        { stdin: Readable.from([]), stdout, stderr, env: options.env ?? {}, cwd: dir },
        { newSecret: () => TEST_SECRET },
      );
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
  };
}
