import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc, for telling the benchmark's own work from everything else on the
 * machine. Linux only: elsewhere every reading is null and the report says "not measured".
 */

/** Jiffies since boot over all CPUs: busy (everything but idle and iowait) and total. */
export interface SystemTicks {
  readonly busy: number;
  readonly total: number;
}

/** A reading of the whole machine and of named groups of processes (their own CPU time). */
export interface CpuSnapshot {
  readonly system: SystemTicks;
  readonly groups: Readonly<Record<string, number>>;
}

/** CPU used between two snapshots, in cores (1 = one core busy the whole time). */
export interface CpuUsage {
  /** Every process on the machine. */
  readonly all: number;
  /** Each group, as named in the snapshots. */
  readonly groups: Readonly<Record<string, number>>;
  /** Everything outside the groups: other people's work on a shared machine. */
  readonly other: number;
}

/** /proc/stat's first line, or null where there is no /proc. */
export function readSystemTicks(): SystemTicks | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const fields = (text.split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** utime + stime of one process (all its threads), in jiffies; 0 once it is gone. */
export function readProcessTicks(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may itself contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** One line of `ps`: a process's id, command name and parent. */
export interface ProcessEntry {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
}

/** Every process on the machine (empty where there is no /proc). */
export function listProcesses(): ProcessEntry[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const processes: ProcessEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      processes.push({ pid: Number(entry), comm, ppid });
    } catch {
      // exited while we looked
    }
  }
  return processes;
}

/** Kernel threads: kthreadd (pid 2) and its children, which do e.g. the disk flushes of fsync. */
export function isKernelThread(process: ProcessEntry): boolean {
  return process.pid === 2 || process.ppid === 2;
}

/** Reads the machine and each group's processes; null where there is no /proc. */
export function cpuSnapshot(groups: Readonly<Record<string, readonly number[]>>): CpuSnapshot | null {
  const system = readSystemTicks();
  if (system === null) return null;
  const ticks: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    ticks[name] = pids.reduce((sum, pid) => sum + readProcessTicks(pid), 0);
  }
  return { system, groups: ticks };
}

/**
 * What was used between `before` and `after`, in cores. A process that started in between
 * counts with all its time, one that ended with none: good enough for long-lived servers.
 */
export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot, cores: number): CpuUsage {
  const elapsed = after.system.total - before.system.total;
  const inCores = (ticks: number) => (elapsed > 0 ? round((ticks * cores) / elapsed) : 0);
  const groups: Record<string, number> = {};
  let grouped = 0;
  for (const name of Object.keys(after.groups)) {
    const used = Math.max(0, (after.groups[name] ?? 0) - (before.groups[name] ?? 0));
    grouped += used;
    groups[name] = inCores(used);
  }
  const all = after.system.busy - before.system.busy;
  return { all: inCores(all), groups, other: inCores(Math.max(0, all - grouped)) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
