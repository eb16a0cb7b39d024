import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU goes during a phase, from /proc (Linux): the service's processes (API and worker), the PostgreSQL
 * processes serving the benchmark database (plus the server's background writers), Redis, and
 * this process (the load generator). Other work on the machine (other databases, other
 * processes) is counted as `other`, so that a noisy neighbour is visible in the figures.
 */
export interface CpuSplit {
  service: number;
  postgres: number;
  redis: number;
  loadgen: number;
  other: number;
}

const TICK = 100; // USER_HZ on Linux

function readTicks(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

const PG_BACKGROUND = /postgres: \S+: (checkpointer|background writer|walwriter|autovacuum|logical replication|stats)/;

function snapshot(
  servicePids: readonly number[],
  database: string,
): Map<string, { group: keyof CpuSplit; ticks: number }> {
  const out = new Map<string, { group: keyof CpuSplit; ticks: number }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const ticks = readTicks(pid);
    if (ticks === 0) continue;
    let group: keyof CpuSplit;
    if (servicePids.includes(Number(pid))) group = 'service';
    else if (Number(pid) === process.pid) group = 'loadgen';
    else {
      const cmd = cmdline(pid);
      if (cmd.startsWith('postgres:') && (cmd.includes(` ${database} `) || PG_BACKGROUND.test(cmd))) group = 'postgres';
      else if (cmd.startsWith('redis-server')) group = 'redis';
      else group = 'other';
    }
    out.set(pid, { group, ticks });
  }
  return out;
}

/** Starts measuring; the returned function gives CPU seconds per group since the start. */
export function cpuMeter(servicePids: readonly number[], databaseUrl: string): () => CpuSplit {
  const database = new URL(databaseUrl).pathname.slice(1);
  const before = snapshot(servicePids, database);
  return () => {
    const after = snapshot(servicePids, database);
    const split: CpuSplit = { service: 0, postgres: 0, redis: 0, loadgen: 0, other: 0 };
    const others: Array<[string, number]> = [];
    for (const [pid, a] of after) {
      const b = before.get(pid)?.ticks ?? 0;
      // Backends end and their pids are reused: count only growth.
      split[a.group] += Math.max(0, a.ticks - b) / TICK;
      if (a.group === 'other' && a.ticks > b) others.push([pid, (a.ticks - b) / TICK]);
    }
    // BENCH_CPU_OTHER=1: name the processes behind `other` (the noise), the busiest first.
    if (process.env.BENCH_CPU_OTHER) {
      for (const [pid, seconds] of others.sort((x, y) => y[1] - x[1]).slice(0, 5)) {
        process.stderr.write(`  other CPU ${seconds.toFixed(2)} s: ${pid} ${cmdline(pid).slice(0, 120)}\n`);
      }
    }
    return split;
  };
}

/** CPU milliseconds per unit of work, by group, e.g. per event. */
export function cpuPer(split: CpuSplit, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(split).map(([k, v]) => [k, (v * 1000) / units]));
}
