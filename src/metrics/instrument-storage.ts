import { StorageError, type Storage } from '../storage/types.js';
import { secondsSince, type Metrics, type StorageErrorLabel } from './metrics.js';

/**
 * `storage` with every call of its stores (`grants.get`, `codes.consume`, …) and of
 * `purgeExpired` timed and its failures counted by `StorageError` kind (`metrics.storageOperation`).
 * Answers, errors and `this` are the engine's own: methods run on the original stores, so
 * engines keep their private state. `close` is passed through untimed.
 */
export function instrumentStorage(storage: Storage, metrics: Pick<Metrics, 'storageOperation'>): Storage {
  const wrapped = new Map<string, unknown>();
  return new Proxy(storage, {
    get(target, property) {
      // The engine's own getters and methods run with `this` = the engine, never the proxy.
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string' || property === 'close') return value;
      if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) return value;
      let instrumented = wrapped.get(property);
      if (instrumented === undefined) {
        instrumented =
          typeof value === 'function'
            ? timedMethod(target, property, property, metrics)
            : instrumentStore(value, property, metrics);
        wrapped.set(property, instrumented);
      }
      return instrumented;
    },
  });
}

function instrumentStore(store: object, name: string, metrics: Pick<Metrics, 'storageOperation'>): object {
  const methods = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      let method = methods.get(property);
      if (method === undefined) {
        method = timedMethod(target, property, `${name}.${property}`, metrics);
        methods.set(property, method);
      }
      return method;
    },
  });
}

/** `target[property]` bound to `target`, reporting each call as `operation`. */
function timedMethod(
  target: object,
  property: string,
  operation: string,
  metrics: Pick<Metrics, 'storageOperation'>,
): (...args: unknown[]) => unknown {
  const method = Reflect.get(target, property) as (...args: unknown[]) => unknown;
  return (...args: unknown[]) => {
    const started = performance.now();
    const done = (error: StorageErrorLabel | null) =>
      metrics.storageOperation(operation, secondsSince(started), error);
    let result: unknown;
    try {
      result = method.apply(target, args);
    } catch (error) {
      done(errorLabel(error));
      throw error;
    }
    if (!(result instanceof Promise)) {
      done(null);
      return result;
    }
    return result.then(
      (value: unknown) => {
        done(null);
        return value;
      },
      (error: unknown) => {
        done(errorLabel(error));
        throw error;
      },
    );
  };
}

function errorLabel(error: unknown): StorageErrorLabel {
  return error instanceof StorageError ? error.kind : 'other';
}
