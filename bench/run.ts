import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startService } from './lib/service';
import { fmt, summarise, type Summary } from './lib/stats';
import type { Workload } from './lib/workload';
import { appends } from './workloads/appends';
import { emptyPost } from './workloads/empty-post';
import { growth } from './workloads/growth';
import { handover } from './workloads/handover';
import { hotLot } from './workloads/hot-lot';
import { memory } from './workloads/memory';
import { merkleCheckpoints } from './workloads/merkle-checkpoints';
import { outboxRelay } from './workloads/outbox-relay';
import { reconciliationRun } from './workloads/reconciliation-run';
import { registryExport } from './workloads/registry-export';
import { tamperAudit } from './workloads/tamper-audit';
import { verifyChain } from './workloads/verify-chain';

/**
 * In run order. `tamper-audit` and `growth` start services of their own (their bulk volume would
 * slow the others, and the audit judges every chain in its database); `memory` is last (it reports
 * the peaks over the whole run).
 */
const WORKLOADS: Workload[] = [
  emptyPost,
  appends,
  hotLot,
  handover,
  verifyChain,
  outboxRelay,
  registryExport,
  tamperAudit,
  growth,
  merkleCheckpoints,
  reconciliationRun,
  memory,
];

interface Options {
  only: string[] | null;
  scale: number;
  smoke: boolean;
  runs: number;
  /** Stored events of the growth workload (default GROWTH_EVENTS × scale). */
  growthEvents?: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { only: null, scale: 1, smoke: false, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '--scale') opts.scale = Number(argv[++i]);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--smoke') opts.smoke = true;
    else if (a === '--growth-events') opts.growthEvents = Number(argv[++i]);
    else throw new Error(`unknown argument ${a} (use --only a,b --scale n --runs n --growth-events n --smoke)`);
  }
  if (opts.smoke) opts.runs = 1;
  if (!(opts.scale > 0) || !(opts.runs >= 1)) throw new Error('--scale and --runs must be positive');
  return opts;
}

interface Row {
  workload: string;
  title: string;
  target: string;
  metrics: Record<string, Summary>;
  baseline: Record<string, Summary>;
  met: boolean | null;
  notes?: string;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const selected = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.name));
  if (selected.length === 0)
    throw new Error(`no workload matches ${opts.only?.join(',')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
  const commit = safe(() => execSync('git rev-parse --short HEAD').toString().trim(), 'unknown');
  const service = await startService();
  const rows: Row[] = [];
  try {
    const ctx = {
      service,
      scale: opts.scale,
      smoke: opts.smoke,
      admin: { authorization: `Bearer ${service.adminKey}` },
      idleRssMb: { api: service.memory().api.rssMb, worker: service.memory().worker.rssMb },
      growthEvents: opts.growthEvents,
    };
    for (const w of selected) {
      process.stderr.write(`» ${w.name} (${opts.runs} run${opts.runs > 1 ? 's' : ''})\n`);
      const metrics: Record<string, number[]> = {};
      const baseline: Record<string, number[]> = {};
      let notes: string | undefined;
      const t0 = performance.now();
      try {
        for (let r = 0; r < opts.runs; r++) {
          const result = await w.run(ctx);
          for (const [k, v] of Object.entries(result.metrics)) (metrics[k] ??= []).push(v);
          for (const [k, v] of Object.entries(result.baseline)) (baseline[k] ??= []).push(v);
          notes = result.notes;
        }
      } finally {
        await w.teardown?.();
      }
      process.stderr.write(`  ${w.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      const m = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, summarise(v)]));
      const b = Object.fromEntries(Object.entries(baseline).map(([k, v]) => [k, summarise(v)]));
      const medians = Object.fromEntries(Object.entries(m).map(([k, s]) => [k, s.median]));
      rows.push({
        workload: w.name,
        title: w.title,
        target: w.target,
        metrics: m,
        baseline: b,
        met: opts.smoke || !w.met ? null : w.met(medians),
        notes,
      });
      // After every workload: a long run that stops early keeps what it measured.
      write(opts, rows, commit);
    }
  } finally {
    await service.stop();
  }
  process.stdout.write(write(opts, rows, commit));
}

/** Writes `bench/results/<date>-<commit>.{json,md}` (the commit the run was built from) and returns the table. */
function write(opts: Options, rows: Row[], commit: string): string {
  const stamp = new Date().toISOString().slice(0, 10);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${stamp}-${commit}${opts.smoke ? '-smoke' : ''}`);
  const report = { date: new Date().toISOString(), commit, options: opts, machine: machine(), rows };
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  const md = markdown(report);
  writeFileSync(`${base}.md`, md);
  return md;
}

function markdown(report: { date: string; commit: string; options: Options; machine: string; rows: Row[] }): string {
  const cell = (s: Summary) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
  const lines = [
    `Benchmark ${report.date} at ${report.commit} on ${report.machine}; ${report.options.runs} run(s), scale ${report.options.scale}${report.options.smoke ? ', SMOKE (sizes too small to judge)' : ''}.`,
    '',
    '| workload | metric: median (min–max) | baseline in the same run | target | met |',
    '|---|---|---|---|---|',
  ];
  for (const r of report.rows) {
    const metrics = Object.entries(r.metrics)
      .map(([k, s]) => `${k}: ${cell(s)}`)
      .join('<br>');
    const baseline =
      Object.entries(r.baseline)
        .map(([k, s]) => `${k}: ${cell(s)}`)
        .join('<br>') || '—';
    lines.push(
      `| ${r.title} | ${metrics} | ${baseline} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', ...report.rows.filter((r) => r.notes).map((r) => `- ${r.workload}: ${r.notes}`), '');
  return lines.join('\n');
}

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
