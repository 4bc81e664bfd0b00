import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { processStartTime } from './process-start.js';

test('reads field 22 of /proc/<pid>/stat, whatever the command name holds', async () => {
  const proc = await mkdtemp(join(tmpdir(), 'sesame-proc-'));
  try {
    await mkdir(join(proc, '4242'));
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime …
    await writeFile(
      join(proc, '4242', 'stat'),
      '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 3133440 380\n',
    );
    assert.equal(await processStartTime(4242, proc), '987654');
    assert.equal(await processStartTime(4343, proc), null, 'no such process');
  } finally {
    await rm(proc, { recursive: true, force: true });
  }
});

test(
  'tells this process from another',
  { skip: existsSync('/proc/self/stat') ? false : 'needs /proc' },
  async () => {
    const own = await processStartTime(process.pid);
    assert.match(own ?? '', /^\d+$/);
    assert.equal(await processStartTime(process.pid), own, 'the same every time');
    assert.notEqual(await processStartTime(1), own);
  },
);
