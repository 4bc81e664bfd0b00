import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';

/**
 * A fresh temporary directory with the given files (path relative to it → content).
 * Returns the directory; tests only.
 */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-config-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The problems loading `yaml` as sesame.yaml reports (fails the test if it loads). */
export function problemsOf(
  yaml: string,
  env: Record<string, string> = {},
): { file: string; problems: string[] } {
  const dir = tempDir({ 'sesame.yaml': yaml });
  const file = join(dir, 'sesame.yaml');
  try {
    loadConfig({ file, env, cwd: dir });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return { file, problems: error.problems };
  }
  assert.fail('expected a ConfigError');
}
