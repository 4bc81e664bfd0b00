import { readFile } from 'node:fs/promises';

/**
 * When process `pid` started, as field 22 (`starttime`, clock ticks after boot) of
 * `<procDir>/<pid>/stat` (proc(5)), or null when that file cannot be read (no such process,
 * or no /proc on this system). A pid and its start time together name one process for as
 * long as the machine runs: a pid is reused only by a process that starts later.
 */
export async function processStartTime(pid: number, procDir = '/proc'): Promise<string | null> {
  const stat = await readFile(`${procDir}/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Field 2, the command name, is in parentheses and may itself hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[22 - 3];
  return startTime !== undefined && /^\d+$/.test(startTime) ? startTime : null;
}
