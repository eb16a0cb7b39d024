import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../pagination/cursor';

/** A regulator's read, as recorded. */
export interface RegulatorReadRecord {
  regulatorOrganisationId: string;
  memberId: string;
  actor: string;
  resourceType: string;
  resourceIds: readonly string[];
  route: string;
  path: string;
  requestId: string | null;
}

export interface RegulatorReadRow extends RegulatorReadRecord {
  id: string;
  createdAt: Date;
}

export interface RegulatorReadFilter {
  regulatorOrganisationId?: string;
  memberId?: string;
  resourceType?: string;
  from?: Date;
  to?: Date;
}

const COLUMNS = `id, created_at AS "createdAt", regulator_organisation_id AS "regulatorOrganisationId",
  member_id AS "memberId", actor, resource_type AS "resourceType", resource_ids AS "resourceIds", route, path,
  request_id AS "requestId"`;

/** The append-only log of regulators' reads (`regulator_reads`). */
@Injectable()
export class RegulatorReadsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes one read; throws when it cannot (the caller must then refuse the read). Give `manager`
   * to write inside a transaction of your own.
   */
  async record(read: RegulatorReadRecord, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO regulator_reads (regulator_organisation_id, member_id, actor, resource_type, resource_ids, route,
                                    path, request_id)
       VALUES ($1, $2, $3, $4, $5::varchar[], $6, $7, $8)`,
      [
        read.regulatorOrganisationId,
        read.memberId,
        read.actor,
        read.resourceType,
        [...read.resourceIds],
        read.route.slice(0, 200),
        read.path.slice(0, 2000),
        read.requestId,
      ],
    );
  }

  /** Newest first, keyset on (created_at, id) descending. */
  async list(filter: RegulatorReadFilter, before: KeysetPosition | null, limit: number): Promise<RegulatorReadRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.regulatorOrganisationId) {
      add((p) => `regulator_organisation_id = ${p}::uuid`, filter.regulatorOrganisationId);
    }
    if (filter.memberId) add((p) => `member_id = ${p}::uuid`, filter.memberId);
    if (filter.resourceType) add((p) => `resource_type = ${p}`, filter.resourceType);
    if (filter.from) add((p) => `created_at >= ${p}`, filter.from);
    if (filter.to) add((p) => `created_at < ${p}`, filter.to);
    if (before) {
      params.push(before.k, before.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM regulator_reads
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $${params.length}`,
      params,
    );
  }
}
