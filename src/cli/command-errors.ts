import { ConfigError } from '../config/errors.js';
import { StorageError } from '../storage/types.js';
import type { CliIo } from './io.js';

/**
 * Says what is wrong for the errors every command that reads the configuration and storage
 * meets — an invalid configuration (each problem on a line of its own), a storage failure — and
 * gives exit code 1; null for any other error, which the command reports or rethrows itself.
 */
export function reportCommonError(error: unknown, io: Pick<CliIo, 'stderr'>): 1 | null {
  if (error instanceof ConfigError) {
    io.stderr.write('error: the configuration is not valid:\n');
    for (const problem of error.problems) io.stderr.write(`  - ${problem}\n`);
    return 1;
  }
  if (error instanceof StorageError) {
    io.stderr.write(`error: storage ${error.kind}: ${error.message}\n`);
    return 1;
  }
  return null;
}
