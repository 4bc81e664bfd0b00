import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { IdentityBackend } from '../../identity/types.js';
import { CHALLENGE, REDIRECT_URI, WEB, createFixture, type Fixture } from '../token/test-fixture.js';
import type { Deps } from '../types.js';
import { checkClientAndRedirect, parseAuthorizationRequest } from './parse.js';

function params(raw: Record<string, string>): Map<string, string[]> {
  return new Map(Object.entries(raw).map(([name, value]) => [name, [value]]));
}

/** The fixture's deps with an identity backend offering `extraScopes` and `allowedScopes` set. */
function depsWith(
  fx: Fixture,
  extraScopes: readonly string[],
  allowedScopes: readonly string[] | null = null,
): Deps {
  const identity: IdentityBackend = {
    subjectNamespace: fx.directory.subjectNamespace,
    extraScopes,
    authenticate: async () => null,
    getUser: (id) => fx.directory.getUser(id),
    close: () => fx.directory.close(),
  };
  return { ...fx.deps, identity, config: { ...fx.deps.config, allowedScopes } };
}

async function grantedScopes(deps: Deps, scope: string): Promise<readonly string[]> {
  const p = params({
    client_id: WEB.id,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  });
  const { client, target } = checkClientAndRedirect(p, deps);
  return (await parseAuthorizationRequest(p, client, target, deps)).scopes;
}

describe('authorize: offered scopes (konnect-spec §3.1, §5.2)', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });

  const all = 'openid profile konnect/id konnect/uuid konnect/raw_sub konnect/hashed_sub groups';

  it("grants the identity backend's Konnect scopes", async () => {
    const deps = depsWith(fx, ['konnect/uuid', 'konnect/raw_sub', 'konnect/id']);
    assert.deepEqual(await grantedScopes(deps, all), all.split(' '));
  });

  it('drops konnect/id when the backend does not offer it (no uidNumber attribute)', async () => {
    const deps = depsWith(fx, ['konnect/uuid', 'konnect/raw_sub']);
    assert.deepEqual(await grantedScopes(deps, all), [
      'openid',
      'profile',
      'konnect/uuid',
      'konnect/raw_sub',
      'konnect/hashed_sub',
      'groups',
    ]);
  });

  it('drops the Konnect scopes for a backend without extras, keeping konnect/hashed_sub', async () => {
    assert.deepEqual(await grantedScopes(depsWith(fx, []), all), [
      'openid',
      'profile',
      'konnect/hashed_sub',
      'groups',
    ]);
  });

  it('grants only openid plus --allow-scope when that is set', async () => {
    const deps = depsWith(fx, ['konnect/id'], ['profile']);
    assert.deepEqual(await grantedScopes(deps, all), ['openid', 'profile']);
  });
});
