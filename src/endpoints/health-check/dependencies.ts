import type { DependencyStatus, IdentityDependency, IdentityHealth } from './identity-health.js';
import type { StorageHealth } from './storage-health.js';

/** A dependency Sesame cannot serve without, as `/health-check` names it. */
export type DependencyName = 'storage' | IdentityDependency;

/** A dependency that does not answer, and why (for the log; `/health-check` shows only the name). */
export interface FailingDependency {
  readonly name: DependencyName;
  readonly reason: string;
}

/** Where each dependency's state is read: storage always, the identity backend's when it has one. */
export interface DependencyChecks {
  readonly storageHealth: Pick<StorageHealth, 'check'>;
  readonly identityHealth?: Pick<IdentityHealth, 'name' | 'check'> | null;
}

/**
 * The dependencies that do not answer now, storage first; empty when all do. They are checked
 * at once, each at most once a second (`StorageHealth.check`, `IdentityHealth.check`).
 */
export async function failingDependencies(checks: DependencyChecks): Promise<FailingDependency[]> {
  const identity = checks.identityHealth ?? null;
  const [storage, directory] = await Promise.all([
    checks.storageHealth.check(),
    identity?.check() ?? Promise.resolve<DependencyStatus>({ ok: true }),
  ]);
  const failing: FailingDependency[] = [];
  if (!storage.ok) failing.push({ name: 'storage', reason: storage.reason });
  if (identity !== null && !directory.ok) failing.push({ name: identity.name, reason: directory.reason });
  return failing;
}
