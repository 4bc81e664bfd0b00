import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoServerError, pidFilePath, readServerPid, writePidFile } from './pid-file.js';

/** A process that idles; its command line holds `words`. */
function idle(command: string, ...words: string[]): ChildProcess {
  return spawn(command, command === 'sleep' ? ['30'] : ['-e', 'setTimeout(() => {}, 30000)', ...words], {
    stdio: 'ignore',
  });
}

describe('the pid file', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-pid-'));
  });
  after(async () => {
    for (const child of children) child.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the pid readable by its owner alone, and removes it only while it is still ours', async () => {
    const dataDir = join(dir, 'data');
    const remove = await writePidFile(dataDir, 4242);
    assert.equal(await readFile(pidFilePath(dataDir), 'utf8'), '4242\n');
    assert.equal((await stat(pidFilePath(dataDir))).mode & 0o777, 0o600);
    assert.equal((await stat(dataDir)).mode & 0o077, 0);

    await writeFile(pidFilePath(dataDir), '999\n');
    await remove();
    assert.equal(
      await readFile(pidFilePath(dataDir), 'utf8'),
      '999\n',
      'another server’s file is left alone',
    );
    const removeAgain = await writePidFile(dataDir, 4242);
    await removeAgain();
    assert.equal(existsSync(pidFilePath(dataDir)), false);
  });

  it('replaces a stale file without writing through a link', async () => {
    const dataDir = await mkdtemp(join(dir, 'link-'));
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    await symlink(victim, pidFilePath(dataDir));
    await writePidFile(dataDir, 4242);
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
    assert.equal(await readFile(pidFilePath(dataDir), 'utf8'), '4242\n');
  });

  it('finds a running server, and says why there is none', async () => {
    const dataDir = await mkdtemp(join(dir, 'read-'));
    await assert.rejects(readServerPid(dataDir), (e: unknown) => {
      assert.ok(e instanceof NoServerError);
      assert.match(e.message, /no Sesame server is running on .* \(there is no .*sesame\.pid\)/);
      return true;
    });

    const server = idle(process.execPath, 'sesame', 'serve');
    children.push(server);
    await writeFile(pidFilePath(dataDir), `${server.pid}\n`);
    assert.equal(await readServerPid(dataDir), server.pid);

    const ended = idle(process.execPath, 'sesame');
    const pid = ended.pid;
    ended.kill();
    await new Promise((r) => ended.once('exit', r));
    await writeFile(pidFilePath(dataDir), `${pid}\n`);
    await assert.rejects(readServerPid(dataDir), /names process \d+, which has ended/);

    await writeFile(pidFilePath(dataDir), 'garbage\n');
    await assert.rejects(readServerPid(dataDir), /does not hold a process id/);
  });

  it(
    'refuses to signal a process that is not Sesame (a stale file whose pid was reused)',
    {
      skip: existsSync('/proc/self/cmdline') ? false : 'needs /proc',
    },
    async () => {
      const dataDir = await mkdtemp(join(dir, 'reused-'));
      const other = idle('sleep');
      children.push(other);
      await writeFile(pidFilePath(dataDir), `${other.pid}\n`);
      await assert.rejects(readServerPid(dataDir), /process \d+, named by .*sesame\.pid, is not Sesame/);
    },
  );
});
