import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

/** Where each conformance test file writes its results; `scripts/run-tests.mjs` reads them. */
export const RESULTS_DIR = resolve(import.meta.dirname, '../../.test-results/conformance');

/** One module's outcome, as docs/conformance.md lists it. */
export interface ModuleResult {
  readonly plan: string;
  readonly module: string;
  readonly title: string;
  readonly result: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or the failure's first line. */
  readonly note?: string;
}

export interface ModuleOptions {
  /** Run nothing and list the module as skipped, with a reason a user would accept. */
  readonly skip?: string;
  readonly timeout?: number;
  /**
   * A passing module's caveat, listed beside its result: where Sesame takes a choice the
   * suite only warns about.
   */
  readonly note?: string;
}

/** Declares one module of a plan: a test named after it, whose outcome is recorded. */
export type ModuleFn = (
  name: string,
  title: string,
  body: () => Promise<void>,
  options?: ModuleOptions,
) => void;

/**
 * A plan of the OpenID Foundation's conformance suite, carried as this project's own tests
 * (issue 8): `describe(plan)` with one test per module, named after the suite's module, each
 * asserting what that module asserts. Every outcome is written to {@link RESULTS_DIR} when the
 * file ends, and `npm test` turns them into docs/conformance.md.
 */
export function conformancePlan(plan: string, file: string, declare: (module: ModuleFn) => void): void {
  const results: ModuleResult[] = [];
  describe(plan, () => {
    const module: ModuleFn = (name, title, body, options = {}) => {
      const index = results.length;
      const record = (result: ModuleResult['result'], note?: string) => {
        results[index] = { plan, module: name, title, result, ...(note === undefined ? {} : { note }) };
      };
      if (options.skip !== undefined) {
        record('skipped', options.skip);
        it(`${name}: ${title}`, { skip: options.skip }, () => undefined);
        return;
      }
      // Listed as failed until it has passed: a module that never ran did not pass.
      record('failed', 'did not run');
      it(`${name}: ${title}`, { timeout: options.timeout ?? 30_000 }, async () => {
        try {
          await body();
          record('passed', options.note);
        } catch (error) {
          const note = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
          record('failed', note.slice(0, 200));
          throw error;
        }
      });
    };
    declare(module);
    after(() => {
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, `${file}.json`), `${JSON.stringify(results, null, 2)}\n`);
    });
  });
}
