// /health-check reports the digest of the clients an instance loaded (issue 9), so that an
// operator can tell instances whose registration files differ.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRegistration } from '../../src/clients/registry-file.js';
import { registryDigest } from '../../src/clients/registry-digest.js';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const registration = (...ids: string[]): string =>
  'clients:\n' +
  ids
    .map(
      (id) =>
        `  - id: ${id}\n    secret: ${id}-secret-0123456789\n    redirect_uris: [https://${id}.example/cb]\n`,
    )
    .join('');

/** The digest `sesame` reports for `text`: keyed with its instance secret (data/secret.key). */
async function digestOf(text: string, sesame: RunningSesame): Promise<string> {
  const key = await readFile(join(sesame.dir, 'data', 'secret.key'));
  return registryDigest(parseRegistration(text, 'any.yaml', { issuer: sesame.issuer }).clients, key);
}

async function healthCheck(sesame: RunningSesame): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sesame.issuer}/health-check`);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return { status: response.status, body: await response.json() };
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('/health-check and the registration file (issue 9)', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame({ registration: registration('a', 'b') });
  });
  after(async () => {
    await sesame?.stop();
  });

  it('reports the digest and number of the clients loaded', async () => {
    assert.deepEqual(await healthCheck(sesame), {
      status: 200,
      body: {
        status: 'ok',
        registry: { digest: await digestOf(registration('a', 'b'), sesame), clients: 2 },
      },
    });
  });

  it('reports the new digest once an edited file is reloaded, and the same one for a comment', async () => {
    const before = await digestOf(registration('a', 'b'), sesame);
    await writeFile(sesame.registrationFile, `# reviewed\n${registration('b', 'a')}`);
    await eventually(async () => /reloaded identifier registration conf/.test(sesame.logs()), 'reloaded');
    assert.equal(
      ((await healthCheck(sesame)).body as { registry: { digest: string } }).registry.digest,
      before,
    );

    const edited = registration('a', 'b', 'c');
    await writeFile(sesame.registrationFile, edited);
    const after = { digest: await digestOf(edited, sesame), clients: 3 };
    assert.notEqual(after.digest, before);
    await eventually(
      async () =>
        JSON.stringify((await healthCheck(sesame)).body) ===
        JSON.stringify({ status: 'ok', registry: after }),
      'the new digest',
    );
  });

  it('keeps reporting the clients in force while the file is broken', async () => {
    const inForce = (await healthCheck(sesame)).body;
    await writeFile(sesame.registrationFile, 'clients:\n  - id: [broken\n');
    await eventually(async () => /identifier registration conf not reloaded/.test(sesame.logs()), 'refused');
    assert.deepEqual((await healthCheck(sesame)).body, inForce);
  });
});
