// `sesame check --compare`: tells which running instances loaded other clients than the local
// registration file (issue 9), against real server processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { freePort, sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const clients = `clients:
  - id: cloud
    secret: cloud-secret-0123456789
    redirect_uris: [https://cloud.example/cb]
  - id: meet
    trusted: yes
    redirect_uris: [https://meet.example/meet/#oidc-callback]
`;
/** The same clients, written differently: instances with either file agree. */
const sameClientsReformatted = `# copied by hand
clients:
  - id: meet
    redirect_uris:
      - "https://meet.example/meet/#oidc-callback"
    trusted: true
  - id: cloud   # Nextcloud
    redirect_uris: ["https://cloud.example/cb"]
    secret: 'cloud-secret-0123456789'
`;
const otherSecret = clients.replace('cloud-secret-0123456789', 'cloud-secret-rotated-0123');

describe('sesame check --compare (issue 9)', () => {
  let local: RunningSesame;
  let agreeing: RunningSesame;
  let differing: RunningSesame;
  before(async () => {
    // Instances behind one address share the instance secret, which keys the digests.
    const secretKey = randomBytes(32);
    [local, agreeing, differing] = await Promise.all([
      startSesame({ registration: clients, secretKey }),
      startSesame({ registration: sameClientsReformatted, secretKey }),
      startSesame({ registration: otherSecret, secretKey }),
    ]);
  });
  after(async () => {
    await Promise.all([local?.stop(), agreeing?.stop(), differing?.stop()]);
  });

  /** `sesame check` with the first instance's configuration, comparing the given URLs. */
  const check = (...urls: string[]) =>
    sesameCli(['check', '--config', local.configFile, '--compare', ...urls], '', local.dir);

  it('passes when every instance loaded the same clients, however their files are written', async () => {
    const result = await check(local.issuer, agreeing.issuer);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const rows = table(result.stdout);
    assert.deepEqual(rows[0], ['instance', 'digest', 'clients', 'agrees']);
    const [localRow, ...instances] = rows.slice(1);
    assert.equal(localRow?.[0], 'local file');
    assert.match(localRow?.[1] ?? '', /^hmac-sha256:[0-9a-f]{64}$/);
    assert.deepEqual(instances, [
      [local.issuer, localRow?.[1], '2', 'yes'],
      [agreeing.issuer, localRow?.[1], '2', 'yes'],
    ]);
    assert.match(
      result.stdout,
      /✓ registry: all 2 instance\(s\) loaded the same clients as .*identifier-registration\.yaml/,
    );
  });

  it('fails on an instance whose file differs (a secret), saying what to do', async () => {
    const result = await check(agreeing.issuer, differing.issuer);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const [, localRow, agreeingRow, differingRow] = table(result.stdout);
    assert.deepEqual(agreeingRow, [agreeing.issuer, localRow?.[1], '2', 'yes']);
    assert.equal(differingRow?.[0], differing.issuer);
    assert.match(differingRow?.[1] ?? '', /^hmac-sha256:[0-9a-f]{64}$/);
    assert.notEqual(differingRow?.[1], localRow?.[1]);
    assert.deepEqual(differingRow?.slice(2), ['2', 'no']);
    assert.match(
      result.stdout,
      /✗ registry: 1 of 2 instance\(s\) loaded other clients than .*identifier-registration\.yaml: the registration files differ\. Copy the same file to every instance; each reloads it when it changes/,
    );
  });

  it('agrees once the same file is copied to the differing instance', async () => {
    await writeFile(differing.registrationFile, clients);
    const until = Date.now() + 10_000;
    let result = await check(differing.issuer);
    while (result.code !== 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      result = await check(differing.issuer);
    }
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(table(result.stdout)[2]?.slice(2), ['2', 'yes']);
  });

  it('fails on an instance that cannot be reached, naming why', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const result = await check(agreeing.issuer, nobody);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const unreachable = table(result.stdout)[3];
    assert.deepEqual(unreachable?.slice(0, 3), [nobody, '-', '-']);
    assert.match(unreachable?.[3] ?? '', /^no \(.*\/health-check: cannot connect \(ECONNREFUSED\)\)$/);
    assert.match(result.stdout, /✗ registry: 1 of 2 instance\(s\) could not be compared/);
    assert.doesNotMatch(result.stdout, /files differ/);
  });

  it('refuses a --compare argument that is not an http(s) URL', async () => {
    const result = await check('ftp://example.org');
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /--compare takes http\(s\) URLs of running instances, not ftp:\/\/example\.org/,
    );
  });
});

/** The rows of the table `--compare` prints: from its header to the line before the verdict. */
function table(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('instance '));
  assert.notEqual(start, -1, stdout);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (line.startsWith('✓') || line.startsWith('✗') || line === '') break;
    rows.push(line.split(/ {2,}/).map((cell) => cell.trim()));
  }
  return rows;
}
