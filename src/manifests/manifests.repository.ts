import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { ConflictError } from '../common/problem/domain-errors';
import { prepared, runPrepared } from '../database/prepared';
import type { DeviceKeyRecord } from '../members/device-keys.service';
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

/** What a signed step reads under the manifest's lock: the aggregate, its steps so far, the device key. */
export interface StepState extends ManifestAggregate {
  steps: ManifestStep[];
  /** The member device key the step names (null when it names none, or an unknown one). */
  deviceKey: DeviceKeyRecord | null;
}

/** A step to record, the manifest's new state and the outbox jobs of the step. */
export interface StepWrite {
  step: Omit<ManifestStep, 'manifest'>;
  status: ManifestStatus;
  currentCarrier: number | null;
  /** reconciliation.lots-changed first (when the step touched lots), then manifests-changed. */
  changedLotIds: readonly string[];
}

/** The manifest row, locked for the step's transaction (what TypeORM's pessimistic_write took). */
const LOCK_MANIFEST = prepared(`SELECT id FROM manifests WHERE id = $1 FOR UPDATE`);

/**
 * Everything a step needs, in one statement, as TypeORM would have loaded it (bigints as text,
 * dates as YYYY-MM-DD, timestamps as instants). Run after LOCK_MANIFEST, so its snapshot sees
 * every step committed before ours (a read in the locking statement itself would not: it keeps
 * the snapshot taken before the lock wait).
 */
const READ_STEP_STATE = prepared(`SELECT
  json_build_object(
    'id', m.id, 'number', m.number, 'status', m.status, 'consignorId', m.consignor_id,
    'consigneeId', m.consignee_id, 'consignorRegion', m.consignor_region, 'consigneeRegion', m.consignee_region,
    'plannedDate', m.planned_date::text, 'plannedOperation', m.planned_operation, 'transportMode', m.transport_mode,
    'approvalRef', m.approval_ref, 'emergencyMeasures', m.emergency_measures, 'medical', m.medical,
    'currentCarrier', m.current_carrier, 'linkedManifestId', m.linked_manifest_id, 'linkKind', m.link_kind,
    'createdAt', m.created_at, 'createdBy', m.created_by, 'updatedAt', m.updated_at) AS manifest,
  (SELECT coalesce(json_agg(json_build_object(
            'manifestId', c.manifest_id, 'position', c.position, 'organisationId', c.organisation_id,
            'vehiclePlate', c.vehicle_plate, 'operatingPermitNumber', c.operating_permit_number,
            'startPoint', c.start_point, 'endPoint', c.end_point) ORDER BY c.position), '[]')
     FROM manifest_carriers c WHERE c.manifest_id = m.id) AS carriers,
  (SELECT coalesce(json_agg(json_build_object(
            'manifestId', l.manifest_id, 'lineNo', l.line_no, 'lotId', l.lot_id, 'wasteCode', l.waste_code,
            'unit', l.unit, 'declaredQuantity', l.declared_quantity::text, 'declaredContainers', l.declared_containers,
            'hazard', l.hazard, 'physicalForm', l.physical_form, 'packaging', l.packaging, 'unNumber', l.un_number,
            'dangerousGoodsClass', l.dangerous_goods_class, 'receivedQuantity', l.received_quantity::text,
            'receivedContainers', l.received_containers, 'receivedWasteCode', l.received_waste_code,
            'decision', l.decision, 'acceptedQuantity', l.accepted_quantity::text,
            'rejectionReason', l.rejection_reason, 'operationCode', l.operation_code,
            'treatedQuantity', l.treated_quantity::text, 'followUpManifestId', l.follow_up_manifest_id)
            ORDER BY l.line_no), '[]')
     FROM manifest_lines l WHERE l.manifest_id = m.id) AS lines,
  (SELECT coalesce(json_agg(json_build_object(
            'manifestId', s.manifest_id, 'seq', s.seq, 'action', s.action, 'fromStatus', s.from_status,
            'toStatus', s.to_status, 'organisationId', s.organisation_id, 'memberId', s.member_id, 'actor', s.actor,
            'occurredAt', s.occurred_at, 'recordedAt', s.recorded_at, 'payload', s.payload,
            'payloadHash', s.payload_hash, 'deviceKeyId', s.device_key_id, 'signature', s.signature)
            ORDER BY s.seq), '[]')
     FROM manifest_steps s WHERE s.manifest_id = m.id) AS steps,
  (SELECT json_build_object('id', k.id, 'memberId', k.member_id, 'publicKey', k.public_key,
                            'revoked', k.revoked_at IS NOT NULL)
     FROM member_device_keys k WHERE k.id = $2::uuid) AS device_key
  FROM manifests m
 WHERE m.id = $1`);

/**
 * A step's writes in one statement: the step row, the manifest's new state (updated_at is the
 * transaction's now(), as stored: ms precision) and the outbox rows, in the order the step
 * wrote them before (lots first). Returns the payload as stored (jsonb orders keys) and updated_at.
 */
const WRITE_STEP = prepared(`WITH step AS (
         INSERT INTO manifest_steps (manifest_id, seq, action, from_status, to_status, organisation_id, member_id,
                                     actor, occurred_at, recorded_at, payload, payload_hash, device_key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14)
         RETURNING payload
       ), manifest AS (
         UPDATE manifests SET status = $15, current_carrier = $16, updated_at = now() WHERE id = $1
         RETURNING updated_at
       ), outbox AS (
         INSERT INTO outbox_messages (job_name, payload)
         SELECT * FROM unnest($17::varchar[], $18::jsonb[])
       )
       SELECT step.payload, manifest.updated_at FROM step, manifest`);

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

  /**
   * Locks the manifest row for a step's transaction and reads what the step needs (see
   * READ_STEP_STATE): two prepared statements. Null when there is no such manifest.
   */
  async lockForStep(manager: EntityManager, id: string, deviceKeyId: string | null): Promise<StepState | null> {
    const locked = await runPrepared(manager, LOCK_MANIFEST, [id]);
    if (locked.length === 0) return null;
    const [row] = await runPrepared<RawStepState>(manager, READ_STEP_STATE, [id, deviceKeyId]);
    const m = row.manifest;
    return {
      manifest: { ...m, createdAt: new Date(m.createdAt), updatedAt: new Date(m.updatedAt) },
      carriers: row.carriers,
      lines: row.lines,
      steps: row.steps.map((s) => ({ ...s, occurredAt: new Date(s.occurredAt), recordedAt: new Date(s.recordedAt) })),
      deviceKey: row.device_key,
    };
  }

  /** Records a step, the manifest's new state and the step's outbox rows (one statement). */
  async writeStep(
    manager: EntityManager,
    write: StepWrite,
  ): Promise<{ payload: Record<string, unknown>; updatedAt: Date }> {
    const s = write.step;
    const jobs: Array<[string, string]> = [];
    if (write.changedLotIds.length > 0) {
      jobs.push(['reconciliation.lots-changed', JSON.stringify({ lotIds: write.changedLotIds })]);
    }
    jobs.push(['reconciliation.manifests-changed', JSON.stringify({ manifestIds: [s.manifestId] })]);
    const [row] = await runPrepared<{ payload: Record<string, unknown>; updated_at: Date }>(manager, WRITE_STEP, [
      s.manifestId,
      s.seq,
      s.action,
      s.fromStatus,
      s.toStatus,
      s.organisationId,
      s.memberId,
      s.actor,
      s.occurredAt,
      s.recordedAt,
      JSON.stringify(s.payload),
      s.payloadHash,
      s.deviceKeyId,
      s.signature,
      write.status,
      write.currentCarrier,
      jobs.map((j) => j[0]),
      jobs.map((j) => j[1]),
    ]);
    return { payload: row.payload, updatedAt: row.updated_at };
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

  async updateLine(
    manager: EntityManager,
    manifestId: string,
    lineNo: number,
    values: Partial<ManifestLine>,
  ): Promise<void> {
    await manager.update(ManifestLine, { manifestId, lineNo }, values);
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

type Timestamps<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

interface RawStepState {
  manifest: Timestamps<Manifest, 'createdAt' | 'updatedAt'>;
  carriers: ManifestCarrier[];
  lines: ManifestLine[];
  steps: Array<Timestamps<ManifestStep, 'occurredAt' | 'recordedAt'>>;
  device_key: DeviceKeyRecord | null;
}
