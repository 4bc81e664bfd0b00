import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { createPrometheusMetrics } from './prometheus-metrics.js';

/** The value of the sample `name{labels}` in the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter((l) => l !== '');
    if (wanted.length === have.length && wanted.every((l) => have.includes(l))) return Number(m[3]);
  }
  return undefined;
}

describe('createPrometheusMetrics', () => {
  it('counts requests by method, route and status with their latency', async () => {
    const metrics = createPrometheusMetrics();
    metrics.httpRequest({ method: 'POST', route: '/konnect/v1/token', status: 200, seconds: 0.02 });
    metrics.httpRequest({ method: 'POST', route: '/konnect/v1/token', status: 200, seconds: 0.2 });
    metrics.httpRequest({ method: 'POST', route: '/konnect/v1/token', status: 400, seconds: 0.001 });
    const text = await metrics.registry.metrics();
    const token = { method: 'POST', route: '/konnect/v1/token' };
    assert.equal(sample(text, 'sesame_http_requests_total', { ...token, status: '200' }), 2);
    assert.equal(sample(text, 'sesame_http_requests_total', { ...token, status: '400' }), 1);
    assert.equal(sample(text, 'sesame_http_request_duration_seconds_count', token), 3);
    assert.equal(sample(text, 'sesame_http_request_duration_seconds_bucket', { ...token, le: '0.025' }), 2);
    assert.ok(
      Math.abs((sample(text, 'sesame_http_request_duration_seconds_sum', token) ?? 0) - 0.221) < 1e-9,
    );
  });

  it('starts every sign-in outcome, grant type and throttle limit at zero, then counts them', async () => {
    const metrics = createPrometheusMetrics();
    let text = await metrics.registry.metrics();
    for (const outcome of ['success', 'wrong_credentials', 'throttled', 'unavailable']) {
      assert.equal(sample(text, 'sesame_sign_ins_total', { outcome }), 0, outcome);
    }
    for (const grant_type of ['authorization_code', 'refresh_token', 'client_credentials', 'implicit']) {
      assert.equal(sample(text, 'sesame_tokens_issued_total', { grant_type }), 0, grant_type);
    }
    assert.equal(sample(text, 'sesame_sign_in_throttle_trips_total', { limit: 'address' }), 0);
    metrics.signIn('wrong_credentials');
    metrics.signIn('success');
    metrics.tokensIssued('authorization_code');
    metrics.throttleTrip('account_address');
    text = await metrics.registry.metrics();
    assert.equal(sample(text, 'sesame_sign_ins_total', { outcome: 'success' }), 1);
    assert.equal(sample(text, 'sesame_sign_ins_total', { outcome: 'wrong_credentials' }), 1);
    assert.equal(sample(text, 'sesame_tokens_issued_total', { grant_type: 'authorization_code' }), 1);
    assert.equal(sample(text, 'sesame_sign_in_throttle_trips_total', { limit: 'account_address' }), 1);
  });

  it('times LDAP and storage operations and counts their errors by kind', async () => {
    const metrics = createPrometheusMetrics();
    metrics.ldapOperation('user_search', 0.01, null);
    metrics.ldapOperation('user_bind', 3, 'unavailable');
    metrics.storageOperation('grants.get', 0.0002, null);
    metrics.storageOperation('codes.consume', 0.5, 'unavailable');
    metrics.storageOperation('refreshTokens.rotate', 0.1, 'contended');
    const text = await metrics.registry.metrics();
    assert.equal(
      sample(text, 'sesame_ldap_operation_duration_seconds_count', { operation: 'user_search' }),
      1,
    );
    assert.equal(
      sample(text, 'sesame_ldap_errors_total', { operation: 'user_bind', kind: 'unavailable' }),
      1,
    );
    assert.equal(
      sample(text, 'sesame_ldap_errors_total', { operation: 'user_search', kind: 'unavailable' }),
      undefined,
    );
    assert.equal(
      sample(text, 'sesame_storage_operation_duration_seconds_bucket', {
        operation: 'grants.get',
        le: '0.0005',
      }),
      1,
    );
    assert.equal(
      sample(text, 'sesame_storage_errors_total', { operation: 'codes.consume', kind: 'unavailable' }),
      1,
    );
    assert.equal(
      sample(text, 'sesame_storage_errors_total', { operation: 'refreshTokens.rotate', kind: 'contended' }),
      1,
    );
  });

  it('counts registry reloads by outcome and trigger, and reports the clients in force', async () => {
    const metrics = createPrometheusMetrics();
    metrics.registryReload('applied', 'watch');
    metrics.registryReload('refused', 'explicit');
    metrics.registryClients(7);
    const text = await metrics.registry.metrics();
    assert.equal(sample(text, 'sesame_registry_reloads_total', { outcome: 'applied', trigger: 'watch' }), 1);
    assert.equal(
      sample(text, 'sesame_registry_reloads_total', { outcome: 'refused', trigger: 'explicit' }),
      1,
    );
    assert.equal(sample(text, 'sesame_registry_clients'), 7);
  });

  it('reports process metrics with the sesame_ prefix', async () => {
    const text = await createPrometheusMetrics().registry.metrics();
    assert.ok((sample(text, 'sesame_process_cpu_seconds_total') ?? -1) >= 0);
    assert.ok((sample(text, 'sesame_nodejs_heap_size_used_bytes') ?? 0) > 0);
    assert.match(text, /^sesame_process_start_time_seconds \d+/m);
    assert.match(text, /^sesame_nodejs_eventloop_lag_seconds /m);
  });

  it("keeps each app's counts apart, and out of prom-client's global registry", async () => {
    const one = createPrometheusMetrics();
    const two = createPrometheusMetrics();
    one.signIn('success');
    assert.equal(sample(await one.registry.metrics(), 'sesame_sign_ins_total', { outcome: 'success' }), 1);
    assert.equal(sample(await two.registry.metrics(), 'sesame_sign_ins_total', { outcome: 'success' }), 0);
    assert.doesNotMatch(await globalRegistry.metrics(), /sesame_/);
  });
});
