import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '../config/app-config';
import { auditLedger } from '../transparency/tamper-audit';

/**
 * Tamper audit of the whole ledger (docs/ledger.md §6): recomputes every chain and compares it
 * with the lot heads. Prints the report as JSON; exits 0 when the ledger is sound, 3 when
 * something was found, 1 on error.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const client = new Client({ connectionString: config.DATABASE_URL, application_name: 'custody-ledger-audit' });
  await client.connect();
  try {
    const report = await auditLedger(client, {
      onProgress: process.stderr.isTTY ? (n) => process.stderr.write(`\r${n} events audited`) : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exitCode = report.ok ? 0 : 3;
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
