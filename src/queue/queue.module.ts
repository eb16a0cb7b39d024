import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue';
import { OutboxRepository } from './outbox.repository';

/** Producing side: the outbox (for feature services) and the queues (for the relay). */
@Global()
@Module({ providers: [JobQueue, OutboxRepository], exports: [JobQueue, OutboxRepository] })
export class QueueModule {}
