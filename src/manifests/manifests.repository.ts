import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { ConflictError } from '../common/problem/domain-errors';
import type { ManifestStatus } from './domain/manifest-state-machine';
import { ManifestCarrier } from './entities/manifest-carrier.entity';
import { ManifestLine } from './entities/manifest-line.entity';
import { ManifestPermitCheck } from './entities/manifest-permit-check.entity';
import { ManifestStep } from './entities/manifest-step.entity';
import { Manifest } from './entities/manifest.entity';

export interface ManifestAggregate {
  manifest: Manifest;
  carriers: ManifestCarrier[];
  lines: ManifestLine[];
}

export interface ManifestVisibility {
  all?: boolean;
  organisationId?: string;
  jurisdictionPrefix?: string | null;
}

export interface ManifestFilter {
  status?: ManifestStatus;
  partyId?: string;
  /** The caller's role on the manifest. */
  role?: 'CONSIGNOR' | 'CARRIER' | 'CONSIGNEE';
  roleOrganisationId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  wasteCode?: string;
}

@Injectable()
export class ManifestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The next serial for a sending city and year. The counter row stays locked until the caller's
   * transaction ends, so concurrent drafts in one city are numbered one after the other and a
   * rolled-back draft gives its number back: numbers are unique and gap-free.
   */
  async nextSerial(manager: EntityManager, cityCode: string, year: number): Promise<number> {
    const [row] = await manager.query(
      `INSERT INTO manifest_number_counters (city_code, year, last_serial) VALUES ($1, $2, 1)
       ON CONFLICT (city_code, year) DO UPDATE SET last_serial = manifest_number_counters.last_serial + 1
       RETURNING last_serial`,
      [cityCode, year],
    );
    return row.last_serial as number;
  }

  async insert(manager: EntityManager, aggregate: ManifestAggregate): Promise<void> {
    await manager.insert(Manifest, aggregate.manifest);
    if (aggregate.carriers.length) await manager.insert(ManifestCarrier, aggregate.carriers);
    if (aggregate.lines.length) await manager.insert(ManifestLine, aggregate.lines);
  }

  /** Puts lots on a manifest; a lot already on an open manifest is a 409 naming it. */
  async reserveLots(manager: EntityManager, manifestId: string, lotIds: readonly string[]): Promise<void> {
    const inserted = await manager.query(
      `INSERT INTO lot_reservations (lot_id, manifest_id) SELECT unnest($1::uuid[]), $2
       ON CONFLICT (lot_id) DO NOTHING RETURNING lot_id`,
      [lotIds, manifestId],
    );
    const reserved = new Set((inserted as Array<{ lot_id: string }>).map((r) => r.lot_id));
    const taken = lotIds.filter((id) => !reserved.has(id));
    if (taken.length > 0) {
      throw new ConflictError('lot-on-open-manifest', `Lot ${taken[0]} is already on an open manifest`, {
        lotIds: taken,
      });
    }
  }

  async recordPermitChecks(
    manager: EntityManager,
    checks: Omit<ManifestPermitCheck, 'id' | 'manifest'>[],
  ): Promise<void> {
    if (checks.length) await manager.insert(ManifestPermitCheck, checks);
  }

  async releaseLots(manager: EntityManager, manifestId: string): Promise<void> {
    await manager.query(`DELETE FROM lot_reservations WHERE manifest_id = $1`, [manifestId]);
  }

  /** The manifest with its carriers and lines; the manifest row is locked for the transaction. */
  async lock(manager: EntityManager, id: string): Promise<ManifestAggregate | null> {
    const manifest = await manager
      .getRepository(Manifest)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!manifest) return null;
    return { manifest, ...(await this.children(manager, id)) };
  }

  async find(id: string): Promise<ManifestAggregate | null> {
    const manifest = await this.dataSource.getRepository(Manifest).findOne({ where: { id } });
    if (!manifest) return null;
    return { manifest, ...(await this.children(this.dataSource.manager, id)) };
  }

  private async children(manager: EntityManager, id: string) {
    // In turn: the manager may be a transaction's single connection.
    const carriers = await manager
      .getRepository(ManifestCarrier)
      .find({ where: { manifestId: id }, order: { position: 'ASC' } });
    const lines = await manager
      .getRepository(ManifestLine)
      .find({ where: { manifestId: id }, order: { lineNo: 'ASC' } });
    return { carriers, lines };
  }

  steps(manifestId: string): Promise<ManifestStep[]> {
    return this.dataSource.getRepository(ManifestStep).find({ where: { manifestId }, order: { seq: 'ASC' } });
  }

  async update(manager: EntityManager, id: string, values: Partial<Manifest>): Promise<void> {
    await manager.update(Manifest, { id }, { ...values, updatedAt: () => 'now()' } as never);
  }

  async updateLine(
    manager: EntityManager,
    manifestId: string,
    lineNo: number,
    values: Partial<ManifestLine>,
  ): Promise<void> {
    await manager.update(ManifestLine, { manifestId, lineNo }, values);
  }

  /** Appends a step; the manifest row is locked by the caller, so seq is gap-free. */
  async insertStep(manager: EntityManager, step: Omit<ManifestStep, 'seq' | 'manifest'>): Promise<number> {
    const [row] = await manager.query(
      `INSERT INTO manifest_steps (manifest_id, seq, action, from_status, to_status, organisation_id, member_id, actor,
                                   occurred_at, recorded_at, payload, payload_hash, device_key_id, signature)
       SELECT $1, COALESCE(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13
         FROM manifest_steps WHERE manifest_id = $1
       RETURNING seq`,
      [
        step.manifestId,
        step.action,
        step.fromStatus,
        step.toStatus,
        step.organisationId,
        step.memberId,
        step.actor,
        step.occurredAt,
        step.recordedAt,
        JSON.stringify(step.payload),
        step.payloadHash,
        step.deviceKeyId,
        step.signature,
      ],
    );
    return Number(row.seq);
  }

  async list(
    visibility: ManifestVisibility,
    filter: ManifestFilter,
    after: KeysetPosition | null,
    limit: number,
  ): Promise<Manifest[]> {
    const qb = this.dataSource.getRepository(Manifest).createQueryBuilder('m');
    const carrierOf = (param: string) =>
      `EXISTS (SELECT 1 FROM manifest_carriers c WHERE c.manifest_id = m.id AND c.organisation_id = :${param})`;
    if (!visibility.all) {
      qb.andWhere(
        `(m.consignor_id = :org OR m.consignee_id = :org OR ${carrierOf('org')}${
          visibility.jurisdictionPrefix
            ? ' OR starts_with(m.consignor_region, :jp) OR starts_with(m.consignee_region, :jp)'
            : ''
        })`,
        { org: visibility.organisationId, jp: visibility.jurisdictionPrefix },
      );
    }
    if (filter.status) qb.andWhere('m.status = :status', { status: filter.status });
    if (filter.partyId) {
      qb.andWhere(`(m.consignor_id = :party OR m.consignee_id = :party OR ${carrierOf('party')})`, {
        party: filter.partyId,
      });
    }
    if (filter.role && filter.roleOrganisationId) {
      const clause =
        filter.role === 'CONSIGNOR'
          ? 'm.consignor_id = :ro'
          : filter.role === 'CONSIGNEE'
            ? 'm.consignee_id = :ro'
            : carrierOf('ro');
      qb.andWhere(clause, { ro: filter.roleOrganisationId });
    }
    if (filter.createdFrom) qb.andWhere('m.created_at >= :cf', { cf: filter.createdFrom });
    if (filter.createdTo) qb.andWhere('m.created_at < :ct', { ct: filter.createdTo });
    if (filter.wasteCode) {
      qb.andWhere('EXISTS (SELECT 1 FROM manifest_lines l WHERE l.manifest_id = m.id AND l.waste_code = :wc)', {
        wc: filter.wasteCode,
      });
    }
    if (after) qb.andWhere('(m.created_at, m.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('m.created_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }
}
