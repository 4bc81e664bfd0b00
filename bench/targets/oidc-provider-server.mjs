// The peer provider of the benchmark (issue 11): panva's oidc-provider, as a process of its own,
// configured like the Sesame targets: one signing key and alg, one confidential client
// (client_secret_basic), one user, its own in-memory adapter. Plain JavaScript run without a
// loader, so that neither tsx's start-up nor its memory counts against the peer.
//
// The in-memory adapter is oidc-provider's, over an LRU of a million entries instead of its
// default thousand: with a thousand, the codes made before the code-exchange run are evicted
// before they are redeemed.
//
// Its sign-in is a minimal interaction handler of our own: a plain HTML form whose password
// is compared as it is, **hashing nothing** (Sesame checks an argon2id hash). Consent is never
// shown: `loadExistingGrant` grants the client its scopes on first use, as a trusted client is
// treated by Sesame; an explicit `prompt=consent` (needed for `offline_access`) is granted
// without a page. Refresh tokens rotate as oidc-provider's default `rotateRefreshToken`
// decides (for a confidential client: not until 70 % of their lifetime has passed).
//
// Usage: node oidc-provider-server.mjs '<JSON options>' (see `options` below).
import { createPrivateKey, randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { URL, URLSearchParams } from 'node:url';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

/**
 * @type {{ port: number, issuer: string, alg: string, keyFile: string, clientId: string,
 *   clientSecret: string, redirectUri: string, username: string, password: string }}
 */
const options = JSON.parse(process.argv[2] ?? '{}');

const jwk = {
  ...createPrivateKey(readFileSync(options.keyFile)).export({ format: 'jwk' }),
  use: 'sig',
  alg: options.alg,
  kid: 'bench',
};

const store = new LRU({ maxSize: 1_000_000 });

const provider = new Provider(options.issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: options.alg,
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Codes are made before the code-exchange run and redeemed after the wait for quiet: two
  // minutes (its default is one), as Sesame is given, the longest Sesame allows.
  ttl: { AuthorizationCode: 120 },
  findAccount: (_ctx, sub) =>
    sub === options.username ? { accountId: sub, claims: () => ({ sub }) } : undefined,
  loadExistingGrant,
});

/** oidc-provider's recipe for skipping consent for a first-party client. */
async function loadExistingGrant(ctx) {
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) return provider.Grant.find(grantId);
  const grant = new provider.Grant({
    clientId: ctx.oidc.client.clientId,
    accountId: ctx.oidc.session.accountId,
  });
  grant.addOIDCScope('openid offline_access');
  await grant.save();
  return grant;
}

const oidc = provider.callback();

createServer((req, res) => {
  const path = new URL(req.url ?? '/', options.issuer).pathname;
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
  if (!match) return oidc(req, res);
  interaction(req, res, match[2] !== undefined).catch((error) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('interaction failed');
  });
}).listen(options.port, '127.0.0.1', () => console.log(`oidc-provider listening on ${options.issuer}`));

async function interaction(req, res, posted) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ clientId: details.params.client_id, accountId: details.session.accountId });
    const missing = details.prompt.details.missingOIDCScope;
    if (Array.isArray(missing)) grant.addOIDCScope(missing.join(' '));
    const grantId = await grant.save();
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  if (!posted) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(
      `<!doctype html><form method="post" action="/interaction/${details.uid}/login">` +
        `<input type="hidden" name="uid" value="${details.uid}">` +
        '<input name="username"><input type="password" name="password"><button>Sign in</button></form>',
    );
  }
  const form = new URLSearchParams(await readBody(req));
  // Compared as it is: this peer hashes nothing.
  if (form.get('username') !== options.username || form.get('password') !== options.password) {
    res.writeHead(403, { 'content-type': 'text/plain' });
    return res.end('wrong username or password');
  }
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: options.username } },
    { mergeWithLastSubmission: false },
  );
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
