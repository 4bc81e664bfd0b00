export * from './metrics.js';
export { createPrometheusMetrics, METRICS_PREFIX, type PrometheusMetrics } from './prometheus-metrics.js';
export {
  createMetricsListener,
  METRICS_PATH,
  type MetricsListener,
  type MetricsListenerOptions,
} from './metrics-listener.js';
export { instrumentStorage } from './instrument-storage.js';
