import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoServerError, pidFilePath, readServerPid, startFilePath, writePidFile } from './pid-file.js';

const hasProc = existsSync('/proc/self/stat');

/** Field 22 of /proc/<pid>/stat (proc(5)): when the process started. */
function startTimeOf(pid: number | 'self'): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

/** A node process that idles; its command line holds `words`. */
function idleNode(...words: string[]): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', ...words], { stdio: 'ignore' });
}

/**
 * A `sleep` that is not Sesame but whose command line mentions it, like the
 * `sleep` under /srv/sesame that a stale pid file once had killed; SIGHUP ends it.
 */
function sesameNamedSleep(): ChildProcess {
  return spawn('sleep', ['30'], { argv0: '/srv/sesame/bin/sleep', stdio: 'ignore' });
}

/** Whether `child` is still running a moment after anything could have signalled it. */
async function stillRunning(child: ChildProcess): Promise<boolean> {
  await new Promise((r) => setTimeout(r, 300));
  return child.exitCode === null && child.signalCode === null;
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

  it('records the pid (alone, as kill -HUP $(cat sesame.pid) needs) and its start time beside it, readable by their owner alone, and removes them only while they are still ours', async () => {
    const dataDir = join(dir, 'data');
    const remove = await writePidFile(dataDir, process.pid);
    assert.equal(await readFile(pidFilePath(dataDir), 'utf8'), `${process.pid}\n`);
    assert.equal((await stat(pidFilePath(dataDir))).mode & 0o777, 0o600);
    assert.equal((await stat(dataDir)).mode & 0o077, 0);
    if (hasProc) {
      assert.equal(await readFile(startFilePath(dataDir), 'utf8'), `${process.pid} ${startTimeOf('self')}\n`);
      assert.equal((await stat(startFilePath(dataDir))).mode & 0o777, 0o600);
    }

    await writeFile(pidFilePath(dataDir), '999\n');
    await writeFile(startFilePath(dataDir), '999 12345\n');
    await remove();
    assert.equal(
      await readFile(pidFilePath(dataDir), 'utf8'),
      '999\n',
      'another server’s file is left alone',
    );
    assert.equal(await readFile(startFilePath(dataDir), 'utf8'), '999 12345\n');
    const removeAgain = await writePidFile(dataDir, process.pid);
    await removeAgain();
    assert.equal(existsSync(pidFilePath(dataDir)), false);
    assert.equal(existsSync(startFilePath(dataDir)), false);
  });

  it('replaces a stale file without writing through a link', async () => {
    const dataDir = await mkdtemp(join(dir, 'link-'));
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    await symlink(victim, pidFilePath(dataDir));
    await symlink(victim, startFilePath(dataDir));
    await writePidFile(dataDir, process.pid);
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
    assert.equal(await readFile(pidFilePath(dataDir), 'utf8'), `${process.pid}\n`);
  });

  it('finds a running server by the pid file it wrote, and says why there is none', async () => {
    const dataDir = await mkdtemp(join(dir, 'read-'));
    await assert.rejects(readServerPid(dataDir), (e: unknown) => {
      assert.ok(e instanceof NoServerError);
      assert.match(e.message, /no Sesame server is running on .* \(there is no .*sesame\.pid\)/);
      return true;
    });

    const server = idleNode('sesame', 'serve');
    children.push(server);
    await writePidFile(dataDir, server.pid as number);
    assert.deepEqual(await readServerPid(dataDir), {
      pid: server.pid,
      recognisedBy: hasProc ? 'start time' : 'command line',
    });

    const ended = idleNode('sesame');
    await writePidFile(dataDir, ended.pid as number);
    ended.kill();
    await new Promise((r) => ended.once('exit', r));
    await assert.rejects(readServerPid(dataDir), /names process \d+, which has ended/);

    await writeFile(pidFilePath(dataDir), 'garbage\n');
    await assert.rejects(readServerPid(dataDir), /does not hold a process id/);
  });

  describe(
    'never signals a live process that is not the server, whatever its command line',
    { skip: hasProc ? false : 'needs /proc' },
    () => {
      it('refuses a stale file whose pid now belongs to a later process', async () => {
        const dataDir = await mkdtemp(join(dir, 'reused-'));
        const other = sesameNamedSleep();
        children.push(other);
        // What a server that has ended would have left, had the system given its pid to `sleep`:
        // that pid, with the server's (earlier) start time — here this test process's.
        await writeFile(pidFilePath(dataDir), `${other.pid}\n`);
        await writeFile(startFilePath(dataDir), `${other.pid} ${startTimeOf('self')}\n`);
        await assert.rejects(
          readServerPid(dataDir),
          /process \d+, named by .*sesame\.pid, is not the server that wrote it: it started at another time \(the file is stale/,
        );
        assert.equal(await stillRunning(other), true);
      });

      it('refuses a pid with no start time recorded for it', async () => {
        const dataDir = await mkdtemp(join(dir, 'bare-'));
        const other = sesameNamedSleep();
        children.push(other);
        await writeFile(pidFilePath(dataDir), `${other.pid}\n`);
        const noStartTime =
          /there is no start time for process \d+ in .*sesame\.pid\.start, .*not signalling it \(if it is the server, run kill -HUP \d+\)/;
        await assert.rejects(readServerPid(dataDir), noStartTime);
        // A start file left by another server names another pid.
        await writeFile(startFilePath(dataDir), `${process.pid} ${startTimeOf(other.pid as number)}\n`);
        await assert.rejects(readServerPid(dataDir), noStartTime);
        assert.equal(await stillRunning(other), true);
      });
    },
  );

  describe('on a system without /proc', () => {
    const noProc = { procDir: '/nonexistent-proc' };

    it('records the pid alone', async () => {
      const dataDir = await mkdtemp(join(dir, 'noproc-write-'));
      await writePidFile(dataDir, process.pid, noProc);
      assert.equal(await readFile(pidFilePath(dataDir), 'utf8'), `${process.pid}\n`);
    });

    it('accepts a process only when its command line runs sesame, and says that is all it checked', async () => {
      const dataDir = await mkdtemp(join(dir, 'noproc-read-'));
      const server = idleNode('sesame', 'serve');
      children.push(server);
      await writePidFile(dataDir, server.pid as number, noProc);
      assert.deepEqual(await readServerPid(dataDir, noProc), {
        pid: server.pid,
        recognisedBy: 'command line',
      });

      const other = spawn('sleep', ['30'], { stdio: 'ignore' });
      children.push(other);
      await writeFile(pidFilePath(dataDir), `${other.pid}\n`);
      await assert.rejects(
        readServerPid(dataDir, noProc),
        /cannot tell whether process \d+, named by .*sesame\.pid, is Sesame: there is no \/proc to read its start time from, and its command line does not run sesame or konnectd; not signalling it/,
      );
    });
  });
});
