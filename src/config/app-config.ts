import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';
import { importSigningKey } from '../transparency/domain/checkpoint';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const PROCESS_ROLES = ['all', 'api', 'worker'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * Every setting the service reads from the environment, with defaults that work on a
 * machine with local PostgreSQL and Redis. Validated once at boot: a bad value stops the
 * process with one message listing every problem.
 */
export class AppConfig {
  @IsString()
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/custody_ledger';

  @IsString()
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** When set, a platform-administrator credential with exactly this key exists. */
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'ADMIN_API_KEY must be at least 24 characters' })
  ADMIN_API_KEY?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Which loops this process runs: the HTTP API, the job worker, or both (single-machine install). */
  @IsIn(PROCESS_ROLES)
  PROCESS_ROLE: (typeof PROCESS_ROLES)[number] = 'all';

  /** Prefix for every Redis key BullMQ writes (lets several installs or test runs share one Redis). */
  @IsString()
  QUEUE_PREFIX = 'cl';

  /** Requests allowed per credential (or per IP when unauthenticated) in each window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT = 6000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  RATE_LIMIT_WINDOW_MS = 10_000;

  /** How long a verified API key stays cached in memory; revocation also evicts it at once. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CREDENTIAL_CACHE_TTL_MS = 30_000;

  /** Create the database when it does not exist (needs CREATEDB on the server). */
  @Transform(toBool)
  @IsIn([true, false])
  DATABASE_AUTO_CREATE = true;

  /** Apply pending migrations when the API starts. */
  @Transform(toBool)
  @IsIn([true, false])
  MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DATABASE_POOL_SIZE = 20;

  /** How often the outbox relay polls when no notification arrived (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 250;

  /** An outbox row dispatched this long ago and still not processed is dispatched again (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  OUTBOX_REDISPATCH_MS = 60_000;

  /**
   * BullMQ job lock (ms): a job whose worker stops renewing its lock (the process died) is found
   * stalled and run again after about this long (the stalled check runs at the same interval).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_LOCK_MS = 30_000;

  /** How often the reconciliation sweep looks for subjects whose time-based findings are due (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  RECONCILIATION_SWEEP_MS = 300_000;

  /** Subjects (lots, organisations, facility months, manifests) per reconciliation batch job. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5000)
  RECONCILIATION_BATCH_SIZE = 500;

  /** Mounts POST /bench/noop (benchmark baseline). Off in normal operation. */
  @Transform(toBool)
  @IsIn([true, false])
  BENCH_ENDPOINTS = false;

  /** Tolerated client clock skew for occurredAt in the future (seconds). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CLOCK_SKEW_SECONDS = 300;

  /**
   * The Ed25519 key that signs the global log's checkpoints: a PKCS#8 PEM ("-----BEGIN PRIVATE
   * KEY-----"; newlines may be written as `\n`). Production must set it. When absent, the worker
   * signs with an ephemeral key generated for the life of the process (with a WARNING); only its
   * public key is stored. Never logged, never returned.
   */
  @IsOptional()
  @IsString()
  LEDGER_SIGNING_KEY?: string;

  /** How often the worker checkpoints the global log (ms); nothing is signed when nothing is new. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CHECKPOINT_INTERVAL_MS = 1_000;

  /** Most events one checkpoint adds; a larger backlog is checkpointed in several slices. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHECKPOINT_MAX_LEAVES = 10_000;
}

/** Settings whose values never appear in an error message or a log. */
const SECRETS: ReadonlySet<string> = new Set(['ADMIN_API_KEY', 'LEDGER_SIGNING_KEY']);

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, unknown> = {};
  for (const name of [...known, 'ADMIN_API_KEY', 'LEDGER_SIGNING_KEY']) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  const lines = errors.map(
    (e) =>
      `  - ${e.property}=${SECRETS.has(e.property) ? '[redacted]' : JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (typeof config.LEDGER_SIGNING_KEY === 'string') {
    try {
      importSigningKey(config.LEDGER_SIGNING_KEY);
    } catch (error) {
      // importSigningKey's messages never contain key material.
      lines.push(`  - LEDGER_SIGNING_KEY=[redacted]: ${(error as Error).message}`);
    }
  }
  if (lines.length > 0) {
    throw new ConfigError(`Invalid configuration (${lines.length} problem(s)):\n${lines.join('\n')}`);
  }
  return config;
}
