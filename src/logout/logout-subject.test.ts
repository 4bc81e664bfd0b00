import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScopeDefinitions } from '../clients/scopes-file.js';
import { testClient } from '../clients/test-client.js';
import { ALICE, NAMESPACE } from '../endpoints/authorize/test-parties.js';
import {
  createBrowserFixture,
  type BrowserFixtureOptions,
} from '../endpoints/authorize/test-browser-fixture.js';
import { konnectSubject } from '../tokens/subject.js';
import { logoutSubjectFor } from './logout-subject.js';

const UNTRUSTED = testClient({ id: 'wiki' });
const TRUSTED = testClient({ id: 'portal', trusted: true });
const RAW_SUB = 'konnect/raw_sub';
/** What Konnect and Sesame put in ID tokens without `konnect/raw_sub` (konnect-spec §5.1). */
const PUBLIC_SUB = konnectSubject(ALICE.id, NAMESPACE);

/** The fixture's directory offers no `konnect/raw_sub`; identifier-scopes.yaml can add it. */
async function deps(options: BrowserFixtureOptions & { rawSubOffered?: boolean } = {}) {
  const fx = await createBrowserFixture(options);
  const scopeDefinitions: ScopeDefinitions = {
    scopes: options.rawSubOffered ? [{ id: RAW_SUB, description: null, priority: 0 }] : [],
    mapping: new Map(),
    warnings: [],
  };
  return {
    fx,
    deps: { ...fx.deps, scopeDefinitions },
    consent: (...granted: string[]) =>
      fx.storage.consents.put({ userId: ALICE.id, clientId: UNTRUSTED.id, scopes: granted, createdAt: 0 }),
  };
}

describe("the sub of a client's logout token", () => {
  it('is the public subject when nothing offers konnect/raw_sub', async () => {
    const { deps: d } = await deps({ compat: false });
    assert.equal(await logoutSubjectFor(d, ALICE.id, UNTRUSTED), PUBLIC_SUB);
    assert.equal(await logoutSubjectFor(d, ALICE.id, TRUSTED), PUBLIC_SUB);
  });

  it('is the public subject for a client whose consent lacks konnect/raw_sub', async () => {
    const { deps: d, consent } = await deps({ rawSubOffered: true });
    await consent('openid', 'profile');
    assert.equal(await logoutSubjectFor(d, ALICE.id, UNTRUSTED), PUBLIC_SUB);
  });

  it('is left out when the client may have been given the raw subject', async () => {
    const { deps: d, consent } = await deps({ rawSubOffered: true });
    await consent('openid', RAW_SUB);
    assert.equal(await logoutSubjectFor(d, ALICE.id, UNTRUSTED), null, 'consented to konnect/raw_sub');
    assert.equal(await logoutSubjectFor(d, ALICE.id, TRUSTED), null, 'trusted: never asked');
  });

  it('is left out for a trusted client that Konnect compatibility grants any scope it asks for', async () => {
    const { deps: d } = await deps({ compat: true });
    assert.equal(await logoutSubjectFor(d, ALICE.id, TRUSTED), null);
    assert.equal(await logoutSubjectFor(d, ALICE.id, UNTRUSTED), PUBLIC_SUB);
  });

  it('is left out when an untrusted client has no consent left to tell', async () => {
    const { deps: d } = await deps({ rawSubOffered: true });
    assert.equal(await logoutSubjectFor(d, ALICE.id, UNTRUSTED), null);
  });
});
