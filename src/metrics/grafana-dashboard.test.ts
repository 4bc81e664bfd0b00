import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPrometheusMetrics } from './prometheus-metrics.js';

interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly { readonly expr: string }[];
}

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../docs/grafana-dashboard.json'), 'utf8'),
) as { panels: Panel[] };

it('the bundled Grafana dashboard queries only metrics Sesame exports', async () => {
  const exported = new Set((await createPrometheusMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
  const queried = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) =>
      [...target.expr.matchAll(/\bsesame_[a-z0-9_]+/g)].map((m) => ({ panel: panel.title, name: m[0] })),
    ),
  );
  assert.ok(queried.length > 20);
  for (const { panel, name } of queried) {
    const family = exported.has(name) ? name : name.replace(/_(bucket|count|sum)$/, '');
    assert.ok(exported.has(family), `${panel}: ${name} is not exported`);
  }
  for (const wanted of [
    'sesame_http_requests_total',
    'sesame_http_request_duration_seconds',
    'sesame_sign_ins_total',
    'sesame_tokens_issued_total',
    'sesame_sign_in_throttle_trips_total',
    'sesame_ldap_operation_duration_seconds',
    'sesame_ldap_errors_total',
    'sesame_storage_errors_total',
    'sesame_registry_reloads_total',
    'sesame_process_resident_memory_bytes',
    'sesame_process_cpu_seconds_total',
  ]) {
    assert.ok(
      queried.some((q) => q.name.startsWith(wanted)),
      `no panel shows ${wanted}`,
    );
  }
});
