import 'reflect-metadata';
import { Client } from 'pg';
import { startService, type BenchService } from '../bench/lib/service';
import { Api, ApiError } from './demo/client';
import { playMonth, type ScenarioResult } from './demo/scenario';

/**
 * `npm run demo [-- --days N] [-- --url http://… --admin-key … --database-url …]`
 *
 * Plays one month of a district through the public API (see scripts/demo/scenario.ts), tampers
 * with one custody event directly in the database (the only write that bypasses the API, and
 * announced), runs a full reconciliation as the district's regulator, and prints the flags per
 * rule and organisation and the audit of one lot. Exits 1 if an expected flag is missing.
 * Without --url it starts the service itself on a fresh database.
 */
export interface Args {
  url?: string;
  adminKey?: string;
  databaseUrl?: string;
  days: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    url: process.env.DEMO_URL,
    adminKey: process.env.ADMIN_API_KEY,
    databaseUrl: process.env.DEMO_DATABASE_URL ?? process.env.DATABASE_URL,
    days: 30,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--url') args.url = value;
    else if (flag === '--admin-key') args.adminKey = value;
    else if (flag === '--database-url') args.databaseUrl = value;
    else if (flag === '--days') args.days = Number(value);
    else throw new Error(`unknown argument ${flag} (use --days N, --url, --admin-key, --database-url)`);
    i++;
  }
  if (!(args.days >= 1 && args.days <= 30)) throw new Error('--days must be 1 to 30');
  return args;
}

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

export async function runDemo(
  args: Args,
): Promise<{ ok: boolean; missing: string[]; unexpected: string[]; result: ScenarioResult }> {
  let service: BenchService | undefined;
  if (!args.url) {
    log('Starting the service on a fresh database (API + worker)…');
    service = await startService({ LOG_LEVEL: 'error' });
    args = { ...args, url: service.baseUrl, adminKey: service.adminKey, databaseUrl: service.databaseUrl };
  }
  if (!args.adminKey || !args.databaseUrl) throw new Error('--admin-key and --database-url are needed with --url');
  const api = new Api(args.url!);
  try {
    const result = await playMonth(api, args.adminKey, { routineDays: args.days, log });
    log(`Month played: ${result.requests} API requests`);

    log(
      `TAMPERING (deliberate, outside the API): rewriting the first custody event of lot ${result.tamperLotId} in PostgreSQL`,
    );
    const db = new Client({ connectionString: args.databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query(`SET LOCAL session_replication_role = replica`);
      await db.query(
        `UPDATE custody_events SET payload = jsonb_set(payload, '{mainConstituents}', '["生活垃圾"]'::jsonb) WHERE lot_id = $1 AND seq = 1`,
        [result.tamperLotId],
      );
      await db.query('COMMIT');
    } finally {
      await db.end();
    }

    log('The district regulator starts a full reconciliation run');
    const run = await api.post<{ id: string }>('/v1/reconciliation/runs', result.regulator.key, {
      regionPrefix: '3715',
    });
    for (;;) {
      const state = await api.get<{
        status: string;
        progress: { processed: number; total: number };
        flagsRaised: number;
      }>(`/v1/reconciliation/runs/${run.id}`, result.regulator.key);
      log(
        `  run ${state.status}: ${state.progress.processed}/${state.progress.total} subjects, ${state.flagsRaised} flags raised`,
      );
      if (state.status === 'COMPLETED') break;
      if (state.status === 'FAILED') throw new Error('the reconciliation run failed');
      await new Promise((r) => setTimeout(r, 500));
    }

    const flags = (await allFlags(api, result.regulator.key)).filter((f) => f.status !== 'RESOLVED');
    printFlags(flags, result);
    await printAudit(api, result);

    const missing = result.expected
      .filter(
        (e) =>
          !flags.some(
            (f) =>
              f.ruleId === e.rule &&
              f.organisationIds.some((id) => result.organisationNames.get(id) === e.organisation) &&
              (!e.subjectId || f.subject.id === e.subjectId),
          ),
      )
      .map((e) => `${e.rule} for ${e.organisation} (${e.why})`);
    // Anything else open is noise a regulator would have to wade through: say so.
    const unexpected = flags
      .filter((f) => !result.expected.some((e) => e.rule === f.ruleId))
      .map((f) => `${f.ruleId}: ${f.message}`);
    process.stdout.write('\nExpected flags:\n');
    for (const e of result.expected) {
      const miss = missing.includes(`${e.rule} for ${e.organisation} (${e.why})`);
      process.stdout.write(`  ${miss ? '✗ MISSING' : '✓'} ${e.rule.padEnd(30)} ${e.organisation} — ${e.why}\n`);
    }
    process.stdout.write(
      unexpected.length
        ? `\nOther open flags:\n${unexpected.map((u) => `  ${u}`).join('\n')}\n`
        : '\nNo other open flag.\n',
    );
    return { ok: missing.length === 0, missing, unexpected, result };
  } finally {
    await service?.stop();
  }
}

interface FlagView {
  ruleId: string;
  severity: string;
  status: string;
  subject: { type: string; id: string };
  organisationIds: string[];
  message: string;
}

async function allFlags(api: Api, key: string): Promise<FlagView[]> {
  const out: FlagView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: FlagView[]; nextCursor: string | null } = await api.get(
      `/v1/flags?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      key,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function printFlags(flags: FlagView[], result: ScenarioResult): void {
  process.stdout.write(`\nOpen flags visible to 聊城市生态环境局: ${flags.length}\n`);
  const byRule = new Map<string, FlagView[]>();
  for (const f of flags) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  for (const [rule, list] of [...byRule].sort()) {
    process.stdout.write(`\n  ${rule} (${list.length})\n`);
    const byOrg = new Map<string, number>();
    for (const f of list) {
      for (const id of f.organisationIds)
        byOrg.set(result.organisationNames.get(id) ?? id, (byOrg.get(result.organisationNames.get(id) ?? id) ?? 0) + 1);
    }
    for (const [org, n] of [...byOrg].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`    ${String(n).padStart(3)} × ${org}\n`);
    process.stdout.write(`    e.g. [${list[0].severity}] ${list[0].message}\n`);
  }
}

async function printAudit(api: Api, result: ScenarioResult): Promise<void> {
  process.stdout.write(`\nAudit of lot ${result.auditLotId} (the drum that lost 12 % on the road):\n`);
  try {
    const audit = await api.get<Record<string, unknown>>(`/v1/audit/lots/${result.auditLotId}`, result.regulator.key);
    process.stdout.write(`${JSON.stringify(audit, null, 2).split('\n').slice(0, 80).join('\n')}\n`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    const events = await api.get<{
      items: Array<{ seq: number; type: string; organisationId: string; occurredAt: string }>;
    }>(`/v1/lots/${result.auditLotId}/events`, result.regulator.key);
    for (const e of events.items) {
      process.stdout.write(
        `  #${e.seq} ${e.occurredAt} ${e.type.padEnd(12)} ${result.organisationNames.get(e.organisationId) ?? e.organisationId}\n`,
      );
    }
    const verification = await api.get<{ ok: boolean }>(
      `/v1/lots/${result.auditLotId}/verification`,
      result.regulator.key,
    );
    process.stdout.write(`  chain verification: ${verification.ok ? 'OK' : 'FAILED'}\n`);
  }
}

if (require.main === module) {
  runDemo(parseArgs(process.argv.slice(2)))
    .then(({ ok, missing }) => {
      log(
        ok
          ? 'Demo complete: every expected flag was raised.'
          : `Demo FAILED: ${missing.length} expected flag(s) missing.`,
      );
      process.exit(ok ? 0 : 1);
    })
    .catch((error: unknown) => {
      console.error(error instanceof ApiError ? `${error.message}\n${JSON.stringify(error.problem, null, 2)}` : error);
      process.exit(1);
    });
}
