import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Whether Sesame runs from its TypeScript sources (tests, development) rather than the build. */
const fromSources = import.meta.url.endsWith('.ts');

/**
 * Starts a worker thread on `entry` — a module of the build, e.g.
 * `new URL('./parse-worker.js', import.meta.url)` — with `options`, as `new Worker` does.
 *
 * Development and tests only: from the TypeScript sources under tsx, `entry` is the `.ts`
 * module beside it, and the worker must register tsx before loading it, because Node 20 does
 * not apply the main thread's module hooks to workers (privatenumber/tsx#354). The build never
 * takes that branch.
 */
export function startWorker(entry: URL, options: WorkerOptions): Worker {
  if (!fromSources) return new Worker(entry, options);
  const source = new URL(entry.href.replace(/\.js$/, '.ts'));
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
