import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { CompatRelaxations } from '../config/types.js';
import { ClientRegistry } from './registry.js';
import { RegistrationFileError } from './registration-error.js';

type Line = Record<string, unknown> & { level: number; msg: string };

/** A real pino logger whose JSON lines are kept for assertions. */
function capture(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  return { log, lines };
}

const strict: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};
const issuer = 'https://meet.example';
const maxFileBytes = 1024 * 1024;

const oneClient = (id: string): string =>
  `clients:\n  - id: ${id}\n    trusted: yes\n    redirect_uris: [https://${id}.example/cb]\n`;

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('ClientRegistry (konnect-spec §2, §6)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-registry-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("logs Konnect's registered client line and the skipped entries with their line", async () => {
    const file = join(dir, 'log.yaml');
    await writeFile(file, oneClient('cloud') + '  - id: bad\n    redirect_uris: [http://bad.example/cb]\n');
    const { log, lines } = capture();
    const registry = await ClientRegistry.open({ file, issuer, compat: strict, log, maxFileBytes });
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['cloud'],
    );
    const registered = lines.find((l) => l.msg === 'registered client');
    assert.deepEqual(
      { ...registered, level: undefined, time: undefined, pid: undefined, hostname: undefined },
      {
        level: undefined,
        time: undefined,
        pid: undefined,
        hostname: undefined,
        msg: 'registered client',
        application_type: 'web',
        client_id: 'cloud',
        insecure: false,
        origins: ['https://cloud.example'],
        redirect_uris: ['https://cloud.example/cb'],
        trusted: true,
        with_client_secret: false,
      },
    );
    assert.equal(registered?.level, 20, 'debug');
    const skipped = lines.find((l) => l.msg === 'skipped registration of invalid client');
    assert.equal(skipped?.level, 40, 'warn');
    assert.match(String(skipped?.['error']), /log\.yaml:6:21: skipped client "bad": .*must use https/);
  });

  it('refuses to start on a broken or missing file', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'clients:\n  - id: a\n   bad: [\n');
    const { log } = capture();
    await assert.rejects(
      ClientRegistry.open({ file, issuer, compat: strict, log, maxFileBytes }),
      (e: unknown) => {
        assert.ok(e instanceof RegistrationFileError);
        assert.match(e.messages[0]!, /broken\.yaml:\d+:\d+: /);
        return true;
      },
    );
    await assert.rejects(
      ClientRegistry.open({ file: join(dir, 'missing.yaml'), issuer, compat: strict, log, maxFileBytes }),
      /missing\.yaml: cannot read the registration file \(ENOENT\)/,
    );
  });

  it('has no clients without a file, and fromClients serves the given ones', async () => {
    const { log } = capture();
    const empty = await ClientRegistry.open({ file: null, issuer, compat: strict, log, maxFileBytes });
    assert.deepEqual(empty.all(), []);
    assert.equal(await empty.reload(), true);
    const fixed = ClientRegistry.fromClients(empty.all());
    assert.equal(fixed.get('anything'), null);
    assert.equal(await fixed.reload(), true);
  });

  it('reload() swaps in the edited file, and keeps the last good clients when it breaks', async () => {
    const file = join(dir, 'reload.yaml');
    await writeFile(file, oneClient('first'));
    const { log, lines } = capture();
    const registry = await ClientRegistry.open({ file, issuer, compat: strict, log, maxFileBytes });
    await writeFile(file, oneClient('second'));
    assert.equal(await registry.reload(), true);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['second'],
    );
    assert.equal(registry.get('first'), null);

    await writeFile(file, 'clients:\n  - id: third\n    redirect_uris: [https://x.example/cb\n');
    assert.equal(await registry.reload(), false);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['second'],
    );
    const error = lines.find((l) => l.level === 50);
    assert.match(error?.msg ?? '', /not reloaded, keeping the last good clients: .*reload\.yaml:\d+:\d+: /);
    assert.match(String((error?.['errors'] as string[])[0]), /reload\.yaml:\d+:\d+: /);

    await writeFile(file, 'clients: {}\n');
    assert.equal(await registry.reload(), false);
    assert.match(String(lines.at(-1)?.msg), /reload\.yaml:1:10: clients must be a list/);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['second'],
    );
  });

  it('watch() picks up an edit in place, an editor-style rename, and ignores a broken save', async () => {
    const file = join(dir, 'watched.yaml');
    await writeFile(file, oneClient('one'));
    const { log, lines } = capture();
    const registry = await ClientRegistry.open({ file, issuer, compat: strict, log, maxFileBytes });
    registry.watch();
    try {
      await writeFile(file, oneClient('two'));
      await eventually(() => registry.get('two') !== null);

      await writeFile(join(dir, '.watched.yaml.swp'), oneClient('three'));
      await rename(join(dir, '.watched.yaml.swp'), file);
      await eventually(() => registry.get('three') !== null);
      assert.equal(registry.get('two'), null);

      await writeFile(file, 'clients:\n  - id: four\n  oops: [\n');
      await eventually(() => lines.some((l) => l.level === 50));
      assert.deepEqual(
        registry.all().map((c) => c.id),
        ['three'],
      );
    } finally {
      registry.close();
      registry.close();
    }
  });

  it('warns about each client a compat relaxation affects, saying how to tighten it', async () => {
    const file = join(dir, 'compat.yaml');
    await writeFile(
      file,
      oneClient('nosecret') +
        '  - id: withsecret\n    secret: x\n    redirect_uris: [https://w.example/cb]\n' +
        '  - id: anywhere\n    insecure: yes\n    secret: y\n',
    );
    const on = capture();
    await ClientRegistry.open({
      file,
      issuer,
      compat: { ...strict, anySecretForSecretlessClients: true },
      log: on.log,
      maxFileBytes,
    });
    const secretWarnings = on.lines.filter((l) => l['relaxation'] === 'anySecretForSecretlessClients');
    assert.deepEqual(
      secretWarnings.map((l) => l['client_id']),
      ['nosecret'],
    );
    assert.match(secretWarnings[0]!.msg, /set a secret to require it/);
    assert.ok(
      on.lines.some(
        (l) => l['relaxation'] === 'insecureWithoutRedirectUris' && l['client_id'] === 'anywhere',
      ),
    );

    const off = capture();
    await ClientRegistry.open({ file, issuer, compat: strict, log: off.log, maxFileBytes });
    assert.equal(off.lines.filter((l) => l['relaxation'] === 'anySecretForSecretlessClients').length, 0);
  });
});
