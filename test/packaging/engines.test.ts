// package.json's `engines.node` must be true for every installed package (issue 10): a range
// that one dependency does not accept would make `npm ci` warn, or worse, on the oldest Node
// the README promises.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import semver from 'semver';

const repo = resolve(import.meta.dirname, '../..');

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

describe('engines.node', () => {
  it('is accepted by every package in package-lock.json, dev packages included', async () => {
    const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const oldest = semver.minVersion(manifest.engines.node);
    assert.ok(oldest, `engines.node ${manifest.engines.node} names no version`);
    const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.engines === undefined || Array.isArray(entry.engines)) continue;
      const range = (entry.engines as { node?: string }).node;
      if (range === undefined) continue;
      checked++;
      if (!semver.satisfies(oldest, range)) {
        refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}`);
      }
    }
    assert.ok(checked > 50, `only ${checked} packages declare engines: is the lock file read right?`);
    assert.deepEqual(refusing, [], `Node ${oldest.version} (package.json engines) is refused by`);
  });
});
