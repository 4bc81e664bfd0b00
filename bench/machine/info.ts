import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** The machine a benchmark ran on, for the report. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMiB: number;
  readonly os: string;
  readonly node: string;
  /** /proc/loadavg (1, 5, 15 minutes) when the harness started. */
  readonly loadavgAtStart: readonly [number, number, number];
}

export function machineInfo(): MachineInfo {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadavgAtStart: [one, five, fifteen],
  };
}
