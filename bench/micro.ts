// `npm run bench -- --micro` (or `npm run bench:micro`): the in-process micro benchmark. Measures,
// side by side in one run, (1) ID-token signing per algorithm and
// (2) the authorization-code exchange at the token endpoint over loopback HTTP with the memory
// and the SQLite storage. Figures are reported as ratios to the first row of each table; the
// absolute numbers depend on the machine. Bounded: a few thousand operations, loopback only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config/load.js';
import { createApp } from '../src/app.js';
import { createTokenService } from '../src/tokens/token-service.js';
import { loadOrGenerateSigningKeys } from '../src/tokens/keys.js';
import { systemClock } from '../src/lib/clock.js';
import { hashToken, randomId, randomToken } from '../src/lib/ids.js';
import type { SigningAlg } from '../src/config/types.js';

const log = pino({ level: 'silent' });
const SIGNATURES = 1500;
const EXCHANGES = 400;

interface Row {
  readonly name: string;
  readonly perSecond: number;
}

function table(title: string, rows: Row[]): void {
  const base = rows[0]?.perSecond ?? 1;
  console.log(`\n${title}`);
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(22)} ${row.perSecond.toFixed(0).padStart(8)} /s   ${(row.perSecond / base).toFixed(2)}×`,
    );
  }
}

async function timed(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op(i);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function signing(dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as SigningAlg[]) {
    const keys = await loadOrGenerateSigningKeys({ alg, keyFiles: [], dataDir: join(dir, alg), log });
    const tokens = await createTokenService({
      issuer: 'https://id.example',
      keys,
      alg,
      lifetimes: { accessToken: 600, idToken: 3600 },
      clock: systemClock,
    });
    const claims = {
      sub: 'x'.repeat(94),
      aud: 'client',
      authTime: 1,
      nonce: 'n',
      sid: 's',
      accessToken: 'a.b.c',
    };
    await timed(50, () => tokens.mintIdToken(claims)); // warm up
    rows.push({
      name: `ID token ${alg}`,
      perSecond: await timed(SIGNATURES, () => tokens.mintIdToken(claims)),
    });
  }
  return rows;
}

async function exchange(dir: string, storage: string): Promise<Row> {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const { config } = loadConfig({
    env: {
      SESAME_ISSUER: `http://127.0.0.1:${port}`,
      SESAME_LISTEN: `127.0.0.1:${port}`,
      SESAME_DATA_DIR: join(dir, storage),
      SESAME_STORAGE: storage === 'sqlite' ? `sqlite:${join(dir, storage, 'bench.db')}` : 'memory',
      SESAME_DEMO: 'true',
    },
    cwd: dir,
  });
  const app = await createApp(config, log);
  await app.server.listen({ host: '127.0.0.1', port });
  try {
    const demo = app.demo!;
    const user = (await app.storage.users.getByUsername(demo.username))!;
    const codes: string[] = [];
    const now = Date.now();
    for (let i = 0; i < EXCHANGES + 20; i++) {
      const code = randomToken();
      const grantId = randomId();
      await app.storage.grants.create({
        id: grantId,
        userId: user.id,
        clientId: demo.clientId,
        scopes: ['openid', 'profile'],
        sessionId: null,
        authTime: now,
        createdAt: now,
        expiresAt: now + 3_600_000,
        revokedAt: null,
      });
      await app.storage.codes.create({
        codeHash: hashToken(code),
        clientId: demo.clientId,
        redirectUri: demo.redirectUri,
        userId: user.id,
        sessionId: 'bench',
        grantId,
        scopes: ['openid', 'profile'],
        nonce: null,
        codeChallenge: null,
        codeChallengeMethod: null,
        authTime: now,
        createdAt: now,
        expiresAt: now + 3_600_000,
        consumedAt: null,
      });
      codes.push(code);
    }
    const auth = `Basic ${Buffer.from(`${demo.clientId}:${demo.clientSecret}`).toString('base64')}`;
    const redeem = async (i: number) => {
      const response = await fetch(`${config.issuer}/konnect/v1/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: codes[i]!,
          redirect_uri: demo.redirectUri,
        }),
      });
      if (response.status !== 200)
        throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await redeem(EXCHANGES + i); // warm up
    return { name: `code exchange, ${storage}`, perSecond: await timed(EXCHANGES, redeem) };
  } finally {
    await app.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'sesame-bench-'));
try {
  console.log(
    `Sesame benchmark — node ${process.version}; ${SIGNATURES} signatures per algorithm, ${EXCHANGES} sequential code exchanges per storage`,
  );
  table('Signing (ratio to RS256)', await signing(dir));
  table('Token endpoint, authorization_code with RS256 (ratio to memory storage)', [
    await exchange(dir, 'memory'),
    await exchange(dir, 'sqlite'),
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
