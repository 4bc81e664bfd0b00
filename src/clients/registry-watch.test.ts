// Items 10 and 11 of issue 7: what the file watcher applies, and what it logs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientRegistry } from './registry.js';
import {
  captureLog,
  clientsYaml,
  eventually,
  level,
  openRegistry,
  quietPeriod,
  type LogLine,
} from './test-registry.js';

const ids = (registry: ClientRegistry): string[] => registry.all().map((c) => c.id);
const errors = (lines: LogLine[]): LogLine[] => lines.filter((l) => l.level === level.error);

describe('ClientRegistry.watch', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sesame-registry-watch-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A registry watching `<fresh dir>/identifier-registration.yaml`, first holding `text`. */
  async function watched(text: string, options: { pidFile?: string } = {}) {
    const dir = await mkdtemp(join(root, 'dir-'));
    const file = join(dir, 'identifier-registration.yaml');
    await writeFile(file, text);
    const { log, lines } = captureLog();
    const registry = await openRegistry(file, log, options);
    registry.watch();
    return { dir, file, lines, registry };
  }

  it('keeps every client when the file is emptied, and says at error how to confirm it: the commands that signal this server', async () => {
    const pidFile = '/var/lib/sesame/sesame.pid';
    const { file, lines, registry } = await watched(clientsYaml('wiki', 'chat'), { pidFile });
    try {
      await writeFile(file, '');
      await eventually(() => errors(lines).length > 0);
      assert.deepEqual(ids(registry), ['wiki', 'chat']);
      const [error] = errors(lines);
      assert.match(
        error!.msg,
        /not applied: it removes 2 of the 2 clients in force \(all of them\), leaving 0/,
      );
      assert.match(error!.msg, /keeping the last good clients/);
      assert.ok(
        error!.msg.endsWith(
          'If it is intended, apply it: `kill -HUP $(cat /var/lib/sesame/sesame.pid)`, or `sesame clients reload --force --data-dir /var/lib/sesame`',
        ),
        error!.msg,
      );
      assert.equal(error!['pid_file'], pidFile);
      assert.deepEqual(error!['removed_clients'], ['wiki', 'chat']);
      assert.equal(lines.filter((l) => l.msg === 'reloaded identifier registration conf').length, 0);
    } finally {
      registry.close();
    }
  });

  it('quotes a data directory the shell would split, so the commands can be pasted', async () => {
    const { file, lines, registry } = await watched(clientsYaml('wiki', 'chat'), {
      pidFile: "/srv/it's data/sesame.pid",
    });
    try {
      await writeFile(file, '');
      await eventually(() => errors(lines).length > 0);
      assert.ok(
        errors(lines)[0]!.msg.endsWith(
          "`kill -HUP $(cat '/srv/it'\\''s data/sesame.pid')`, or `sesame clients reload --force --data-dir '/srv/it'\\''s data'`",
        ),
        errors(lines)[0]!.msg,
      );
    } finally {
      registry.close();
    }
  });

  it('holds back a save that loses 4 of 5 clients until an explicit reload (SIGHUP) applies it', async () => {
    const { file, lines, registry } = await watched(clientsYaml('a', 'b', 'c', 'd', 'e'));
    try {
      await writeFile(file, clientsYaml('a'));
      await eventually(() => errors(lines).length > 0);
      assert.match(errors(lines)[0]!.msg, /removes 4 of the 5 clients in force, leaving 1/);
      assert.deepEqual(ids(registry), ['a', 'b', 'c', 'd', 'e']);

      assert.equal(await registry.reload(), true);
      assert.deepEqual(ids(registry), ['a']);
      assert.ok(
        lines.some(
          (l) =>
            l.level === level.warn &&
            /applying the identifier registration conf as requested, although it removes 4 of the 5/.test(
              l.msg,
            ),
        ),
      );
    } finally {
      registry.close();
    }
  });

  it('applies an ordinary edit that removes 2 of 5 clients', async () => {
    const { file, registry } = await watched(clientsYaml('a', 'b', 'c', 'd', 'e'));
    try {
      await writeFile(file, clientsYaml('a', 'b', 'c'));
      await eventually(() => ids(registry).length === 3);
    } finally {
      registry.close();
    }
  });

  it('neither re-parses nor logs when other files in the directory change (a log, a database)', async () => {
    const { dir, file, lines, registry } = await watched(clientsYaml('wiki'));
    try {
      await writeFile(file, 'clients:\n  - id: [broken\n');
      await eventually(() => errors(lines).length > 0);
      const seen = lines.length;
      for (let i = 0; i < 5; i++) {
        await writeFile(join(dir, 'sesame.log'), `line ${i}\n`, { flag: 'a' });
        await writeFile(join(dir, 'sesame.db'), `page ${i}`);
        await writeFile(join(dir, 'sesame.db-wal'), `frame ${i}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await quietPeriod();
      assert.deepEqual(lines.slice(seen), [], 'no parse, no log line');
      assert.deepEqual(ids(registry), ['wiki']);
    } finally {
      registry.close();
    }
  });

  it('logs a broken text once however often it is saved, and each different one again', async () => {
    const { file, lines, registry } = await watched(clientsYaml('wiki'));
    const broken = 'clients:\n  - id: [broken\n';
    try {
      await writeFile(file, broken);
      await eventually(() => errors(lines).length === 1);
      await writeFile(file, broken);
      await quietPeriod();
      await writeFile(file, broken);
      await quietPeriod();
      assert.equal(errors(lines).length, 1, 'the same text is reported once');

      await writeFile(file, `${broken}# still broken\n`);
      await eventually(() => errors(lines).length === 2);
      await writeFile(file, '');
      await eventually(() => errors(lines).length === 3);
      await writeFile(file, '');
      await quietPeriod();
      assert.equal(errors(lines).length, 3, 'a held-back empty file is reported once too');
      assert.deepEqual(ids(registry), ['wiki']);
    } finally {
      registry.close();
    }
  });

  it('picks up an editor-style save: a temporary file renamed over the file', async () => {
    const { dir, file, registry } = await watched(clientsYaml('one'));
    try {
      await writeFile(join(dir, '.identifier-registration.yaml.swp'), clientsYaml('two'));
      await rename(join(dir, '.identifier-registration.yaml.swp'), file);
      await eventually(() => registry.get('two') !== null);
      await writeFile(join(dir, 'tmp-save'), clientsYaml('three'));
      await rename(join(dir, 'tmp-save'), file);
      await eventually(() => registry.get('three') !== null);
    } finally {
      registry.close();
    }
  });

  it('follows a Kubernetes ConfigMap update, which swaps the ..data link by rename', async () => {
    const dir = await mkdtemp(join(root, 'configmap-'));
    await mkdir(join(dir, '..2024_01_01'));
    await writeFile(join(dir, '..2024_01_01', 'identifier-registration.yaml'), clientsYaml('one'));
    await symlink('..2024_01_01', join(dir, '..data'));
    const file = join(dir, 'identifier-registration.yaml');
    await symlink('..data/identifier-registration.yaml', file);
    const { log } = captureLog();
    const registry = await openRegistry(file, log);
    registry.watch();
    try {
      await mkdir(join(dir, '..2024_01_02'));
      await writeFile(join(dir, '..2024_01_02', 'identifier-registration.yaml'), clientsYaml('two'));
      await symlink('..2024_01_02', join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await eventually(() => registry.get('two') !== null);
    } finally {
      registry.close();
    }
  });
});
