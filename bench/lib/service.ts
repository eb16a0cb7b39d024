import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export const SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
/**
 * Old-space budgets in MB, as docker/compose.yml gives them (and `npm run start:worker`): the RSS
 * budget (API 200 MB, worker 256 MB) less what each process holds outside the heap (~110 MB idle).
 */
export const HEAP_MB = { api: 128, worker: 144 };

/**
 * For a service whose data is loaded by COPY: those lots were never reconciled (appended through
 * the service, each would have been at its append), so the sweep would take them up, 50,000 at a
 * time, while the workload measures. It sweeps once a day here.
 */
export const BULK_LOADED: Record<string, string> = { RECONCILIATION_SWEEP_MS: String(24 * 3_600_000) };
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ProcessMemory {
  rssMb: number;
  peakMb: number;
}

export interface BenchService {
  /** Which service this is (the shared one, or the workload that started it), for the memory report. */
  label: string;
  baseUrl: string;
  databaseUrl: string;
  adminKey: string;
  queuePrefix: string;
  /** The API process (PROCESS_ROLE=api). */
  pid: number;
  /** The worker process (dist/src/worker.js). */
  workerPid: number;
  /** Both, for CPU accounting. */
  pids: number[];
  /** Resident set size and its peak (VmHWM) of each process. */
  memory(): { api: ProcessMemory; worker: ProcessMemory };
  stop(): Promise<void>;
}

/** The highest peaks of the services this run has stopped (their processes are gone). */
/** The highest peak of each process kind over the stopped services, and the service it was in. */
const stoppedPeaks = { api: { mb: 0, service: '' }, worker: { mb: 0, service: '' } };

export interface RunPeaks {
  api: number;
  worker: number;
  /** The label of the service in which each peak was reached. */
  apiService: string;
  workerService: string;
}

/** The highest API and worker peaks over the stopped services and `running` (if given). */
export function peakOverRun(running?: BenchService): RunPeaks {
  const now = running?.memory();
  const higher = (stopped: { mb: number; service: string }, mb: number | undefined) =>
    running && mb !== undefined && mb > stopped.mb ? { mb, service: running.label } : stopped;
  const api = higher(stoppedPeaks.api, now?.api.peakMb);
  const worker = higher(stoppedPeaks.worker, now?.worker.peakMb);
  return { api: api.mb, worker: worker.mb, apiService: api.service, workerService: worker.service };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: `${SERVER_URL}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Services started by this process: stopped if it exits early (an error, Ctrl-C). */
const running = new Set<ChildProcess>();
const stopAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
process.once('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** Removes the Redis keys of a stopped service (its queues, jobs and scheduler entries). */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * Starts the real service on a fresh database as production scales it out: the API
 * (`dist/src/main.js` with PROCESS_ROLE=api, which creates the database and migrates it) and,
 * once it is ready, one worker (`dist/src/worker.js`: outbox relay, BullMQ workers, schedules), as
 * two child processes. Rate limits are lifted and the benchmark baseline endpoint is mounted.
 */
export async function startService(env: Record<string, string> = {}, label = 'shared'): Promise<BenchService> {
  const name = `cl_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${SERVER_URL}/${name}`;
  const port = await freePort();
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
  const queuePrefix = `clbench-${randomBytes(3).toString('hex')}`;
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile both processes (written on stop).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const spawnProcess = (script: string, extra: Record<string, string>, args: string[] = []): ChildProcess => {
    const child = spawn(process.execPath, [...args, ...nodeArgs, join(__dirname, '..', '..', 'src', script)], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        PORT: String(port),
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: 'warn',
        QUEUE_PREFIX: queuePrefix,
        RATE_LIMIT: '100000000',
        BENCH_ENDPOINTS: 'true',
        ...env,
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  };
  const api = spawnProcess('main.js', { PROCESS_ROLE: 'api' }, [`--max-old-space-size=${HEAP_MB.api}`]);
  api.stdout!.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`API exited with ${api.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  const worker = spawnProcess('worker.js', { MIGRATIONS_RUN: 'false', DATABASE_AUTO_CREATE: 'false' }, [
    `--max-old-space-size=${HEAP_MB.worker}`,
  ]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start')), 60_000);
    let seen = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes('worker running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}`));
    });
  });
  const memory = () => ({ api: processMemory(api.pid!), worker: processMemory(worker.pid!) });
  const stopProcess = async (child: ChildProcess) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return {
    label,
    baseUrl,
    databaseUrl,
    adminKey,
    queuePrefix,
    pid: api.pid!,
    workerPid: worker.pid!,
    pids: [api.pid!, worker.pid!],
    memory,
    stop: async () => {
      const last = memory();
      if (last.api.peakMb > stoppedPeaks.api.mb) stoppedPeaks.api = { mb: last.api.peakMb, service: label };
      if (last.worker.peakMb > stoppedPeaks.worker.mb) stoppedPeaks.worker = { mb: last.worker.peakMb, service: label };
      // The worker first: it drains its jobs while the API still answers.
      await stopProcess(worker);
      await stopProcess(api);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      await dropRedisKeys(queuePrefix);
    },
  };
}
