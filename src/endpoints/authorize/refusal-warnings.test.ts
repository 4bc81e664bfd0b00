import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { WarningGate } from '../../lib/warning-gate.js';
import { isOAuthError } from '../../oauth/errors.js';
import { paths } from '../paths.js';
import type { BrowserDeps } from '../types.js';
import { handleAuthorize } from './handler.js';
import { WEB, WEB_REDIRECT } from './test-parties.js';
import { browserRequest, createBrowserFixture, type RawParams } from './test-browser-fixture.js';
import { CHALLENGE } from './test-expected-values.js';

// Issue 10: an authorization request refused for its client_id or redirect_uri shows the user
// a page; the operator gets a warning saying what was probably meant.

async function withWarnings(): Promise<{ deps: BrowserDeps; warnings: Record<string, unknown>[] }> {
  const fx = await createBrowserFixture();
  const warnings: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { deps: { ...fx.deps, log, warnings: new WarningGate() }, warnings };
}

function request(overrides: RawParams): RawParams {
  return {
    client_id: WEB.id,
    redirect_uri: WEB_REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 'st-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** The endpoint refuses with the error page (an OAuthError the http layer renders), never a redirect. */
async function refused(params: RawParams, deps: BrowserDeps): Promise<void> {
  await assert.rejects(
    handleAuthorize(browserRequest(paths.authorize, params), deps),
    (error: unknown) => isOAuthError(error) && error.code === 'invalid_request',
  );
}

describe('a refused authorization request', () => {
  it('logs at warn the redirect_uri sent, the registered one nearest to it and how they differ', async () => {
    const { deps, warnings } = await withWarnings();
    const sent = WEB_REDIRECT.replace(/\/([^/]*)$/, '/index.php/$1');
    await refused(request({ redirect_uri: sent }), deps);
    assert.equal(warnings.length, 1);
    assert.deepEqual(
      {
        msg: warnings[0]?.msg,
        client_id: warnings[0]?.client_id,
        redirect_uri: warnings[0]?.redirect_uri,
        closest_registered: warnings[0]?.closest_registered,
        difference: warnings[0]?.difference,
      },
      {
        msg: 'authorization request refused: redirect_uri not registered for the client',
        client_id: WEB.id,
        redirect_uri: sent,
        closest_registered: WEB_REDIRECT,
        difference: 'differs only by `/index.php`, which the registered one lacks',
      },
    );
  });

  it('logs an unknown client_id with the known ids nearest to it', async () => {
    const { deps, warnings } = await withWarnings();
    const typo = `${WEB.id.slice(0, -1)}x`;
    await refused(request({ client_id: typo }), deps);
    assert.equal(warnings[0]?.msg, 'authorization request refused: unknown client_id');
    assert.equal(warnings[0]?.client_id, typo);
    assert.deepEqual(warnings[0]?.closest_client_ids, [WEB.id]);
  });

  it('logs the same refusal once a minute however often it comes', async () => {
    const { deps, warnings } = await withWarnings();
    for (let i = 0; i < 5; i++) {
      await refused(request({ client_id: 'nobody' }), deps);
    }
    await refused(request({ client_id: 'somebody' }), deps);
    assert.deepEqual(
      warnings.map((w) => w.client_id),
      ['nobody', 'somebody'],
    );
  });
});
