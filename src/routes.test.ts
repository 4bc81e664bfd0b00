import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFixture } from './endpoints/token/test-fixture.js';
import { paths } from './endpoints/paths.js';
import { routes } from './routes.js';

describe('the route table', () => {
  const table = async (sessionManagement: boolean) => {
    const { deps } = await createFixture();
    return routes({ ...deps, config: { ...deps.config, sessionManagement } }, null);
  };
  const served = (list: Awaited<ReturnType<typeof table>>, path: string, method = 'GET') =>
    list.some((r) => r.path === path && (r.methods as readonly string[]).includes(method));

  it('serves the check-session iframe only with session management on (kopano-meet.md req. 32)', async () => {
    assert.ok(served(await table(true), paths.checkSession));
    assert.ok(!served(await table(false), paths.checkSession));
  });

  it('serves the welcome page and the favicon kpop links to', async () => {
    const list = await table(true);
    assert.ok(served(list, paths.welcome));
    assert.ok(served(list, paths.favicon));
  });

  it('allows CORS on the endpoints relying parties call from the browser, and on no page', async () => {
    const cors = (await table(true)).filter((r) => r.cors).map((r) => r.path);
    for (const path of [paths.discovery, paths.jwks, paths.token, paths.userinfo])
      assert.ok(cors.includes(path), path);
    for (const path of cors) assert.ok(!path.startsWith('/signin/'), path);
  });
});
