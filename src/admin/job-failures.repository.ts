import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobFailure } from '../queue/job-failure.entity';

/** Reads `job_failures` (written by the worker and the outbox relay). */
@Injectable()
export class JobFailuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyed by the identity column (monotonic, unlike a microsecond timestamp in a cursor). */
  list(filter: { jobName?: string }, beforeId: string | null, limit: number): Promise<JobFailure[]> {
    const qb = this.dataSource.getRepository(JobFailure).createQueryBuilder('f');
    if (filter.jobName) qb.andWhere('f.job_name = :name', { name: filter.jobName });
    if (beforeId) qb.andWhere('f.id < :before', { before: beforeId });
    return qb
      .orderBy('f.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }
}
