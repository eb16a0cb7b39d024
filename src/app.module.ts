import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CredentialThrottlerGuard } from './auth/credential-throttler.guard';
import { SlidingWindowThrottlerStorage } from './auth/sliding-window-throttler.storage';
import { BenchController } from './bench/bench.controller';
import { CreditGradesModule } from './credit-grades/credit-grades.module';
import { MeController } from './auth/me.controller';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FlagsModule } from './flags/flags.module';
import { HealthModule } from './health/health.module';
import { LotsModule } from './lots/lots.module';
import { ManifestsModule } from './manifests/manifests.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { AdminModule } from './admin/admin.module';
import { MembersModule } from './members/members.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { PermitsModule } from './permits/permits.module';
import { QueueModule } from './queue/queue.module';
import { WorkerModule } from './queue/worker.module';
import { RedisModule } from './redis/redis.module';
import { RegistryModule } from './registry/registry.module';
import { StatsModule } from './stats/stats.module';
import { RegulatorReadsAuditModule } from './audit/regulator-reads.module';
import { RegulatorReadsModule } from './common/regulator-reads/regulator-reads.module';
import { TransparencyModule } from './transparency/transparency.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Feature modules: controllers for the API, job handlers for the worker. */
const FEATURES = [
  HealthModule,
  OrganisationsModule,
  MembersModule,
  CatalogueModule,
  CreditGradesModule,
  PermitsModule,
  FlagsModule,
  LotsModule,
  ManifestsModule,
  AuditModule,
  StatsModule,
  RegistryModule,
  TransparencyModule,
  RegulatorReadsAuditModule,
  ReconciliationModule,
  AdminModule,
];

@Module({})
export class AppModule {
  /**
   * @param worker also run the job worker, outbox relay and schedules in this process
   */
  static forRoot(config: AppConfig, options: { worker: boolean }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: (req: IncomingMessage, res: ServerResponse) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.token',
                '*.secret',
                '*.password',
              ],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
          },
        }),
        DatabaseModule,
        RedisModule,
        QueueModule,
        AuthModule,
        IdempotencyModule,
        RegulatorReadsModule,
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT }],
          storage: new SlidingWindowThrottlerStorage(),
        }),
        ...FEATURES,
        ...(options.worker ? [WorkerModule] : []),
      ],
      controllers: [MeController, ...(config.BENCH_ENDPOINTS ? [BenchController] : [])],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Order matters: authenticate first, so that rate limits are per credential.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: CredentialThrottlerGuard },
      ],
    };
  }
}
