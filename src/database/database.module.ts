import { Global, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { pgPool } from './pg-pool';

/**
 * Every pooled PostgreSQL connection gets a permanent 'error' listener. pg-pool listens on idle
 * clients only, and TypeORM removes its listener when it hands a client back: a connection the
 * server terminates (restart, failover, pg_terminate_backend) can emit a second error in between,
 * and an 'error' event without a listener would kill the process. The pool drops the broken client
 * and the next query opens a new connection.
 */
@Injectable()
class ConnectionErrorGuard implements OnModuleInit {
  private readonly logger = new Logger('PostgreSQL');

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const pool = pgPool(this.dataSource);
    if (!pool) return;
    const guard = (client: PoolClient) => {
      client.on('error', (error: Error) => this.logger.warn(`connection lost: ${error.message}`));
    };
    pool.on('connect', guard);
    // Clients opened before this hook (the data source's first connection).
    for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) guard(client);
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        // Keep retrying while PostgreSQL restarts instead of failing the boot at once.
        retryAttempts: 10,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [ConnectionErrorGuard],
})
export class DatabaseModule {}
