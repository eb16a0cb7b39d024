import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import type { BaseUnit, LotStatus, QuantityMethod } from '../ledger/domain/ledger-types';
import { regionRange, type LotViewer } from '../ledger/ledger.repository';
import type { LineageKind, PackagingType, PhysicalForm } from './domain/lot-attributes';

/** A lot as read for the API. */
export interface LotRow {
  id: string;
  labelCode: string;
  labelCodeIssued: boolean;
  wasteCode: string;
  wasteCategory: string;
  catalogueEditionId: string;
  medicalClass: string | null;
  identificationRef: string | null;
  quantity: string;
  quantityUnit: BaseUnit;
  quantityMethod: QuantityMethod;
  physicalForm: PhysicalForm;
  packagingType: PackagingType;
  containerCount: number;
  generatorOrganisationId: string;
  custodianOrganisationId: string;
  status: LotStatus;
  generatedAt: Date;
  headSeq: number;
  headHash: string;
  headOccurredAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface LineageEdgeRow {
  lotId: string;
  kind: LineageKind;
  quantity: string;
}

export interface LotFilter {
  wasteCode?: string;
  status?: LotStatus;
  custodianOrganisationId?: string;
  generatedFrom?: Date;
  generatedTo?: Date;
}

const LOT_COLUMNS = `
  l.id, l.label_code AS "labelCode", l.label_code_issued AS "labelCodeIssued", l.waste_code AS "wasteCode",
  l.waste_category AS "wasteCategory", l.catalogue_edition_id AS "catalogueEditionId",
  l.medical_class AS "medicalClass", l.identification_ref AS "identificationRef", l.quantity::text AS quantity,
  l.quantity_unit AS "quantityUnit", l.quantity_method AS "quantityMethod", l.physical_form AS "physicalForm",
  l.packaging_type AS "packagingType", l.container_count AS "containerCount",
  l.generator_organisation_id AS "generatorOrganisationId", l.custodian_organisation_id AS "custodianOrganisationId",
  l.status, l.generated_at AS "generatedAt", l.head_seq AS "headSeq", encode(l.head_hash, 'hex') AS "headHash",
  l.head_occurred_at AS "headOccurredAt", l.created_at AS "createdAt", l.updated_at AS "updatedAt"`;

/** A lot is visible to a party to it, and to a regulator over any party's region. Uses $1–$3. */
const VISIBLE = `(
  EXISTS (SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.organisation_id = $1::uuid)
  OR ($2::varchar IS NOT NULL AND EXISTS (
        SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.region_code BETWEEN $2::varchar AND $3::varchar)))`;

function viewerParams(viewer: LotViewer): unknown[] {
  const range = viewer.jurisdictionPrefix ? regionRange(viewer.jurisdictionPrefix) : [null, null];
  return [viewer.organisationId, ...range];
}

/** Read side of lots (the ledger engine writes them), lineage edges and label serials. */
@Injectable()
export class LotsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The lot if the viewer may see it; null otherwise (unknown and invisible look the same). */
  async findVisible(id: string, viewer: LotViewer): Promise<LotRow | null> {
    const rows: LotRow[] = await this.dataSource.query(
      `SELECT ${LOT_COLUMNS} FROM lots l WHERE l.id = $4 AND ${VISIBLE}`,
      [...viewerParams(viewer), id],
    );
    return rows[0] ?? null;
  }

  async findByIds(executor: EntityManager | null, ids: readonly string[]): Promise<LotRow[]> {
    return (executor ?? this.dataSource.manager).query(
      `SELECT ${LOT_COLUMNS} FROM lots l WHERE l.id = ANY($1::uuid[]) ORDER BY l.id`,
      [ids],
    );
  }

  async list(viewer: LotViewer, filter: LotFilter, after: KeysetPosition | null, limit: number): Promise<LotRow[]> {
    const params: unknown[] = viewerParams(viewer);
    const where = [VISIBLE];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.wasteCode) add((p) => `l.waste_code = ${p}`, filter.wasteCode);
    if (filter.status) add((p) => `l.status = ${p}::lot_status`, filter.status);
    if (filter.custodianOrganisationId) {
      add((p) => `l.custodian_organisation_id = ${p}::uuid`, filter.custodianOrganisationId);
    }
    if (filter.generatedFrom) add((p) => `l.generated_at >= ${p}`, filter.generatedFrom);
    if (filter.generatedTo) add((p) => `l.generated_at < ${p}`, filter.generatedTo);
    if (after) {
      params.push(after.k, after.id);
      where.push(`(l.created_at, l.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.query(
      `SELECT ${LOT_COLUMNS} FROM lots l
        WHERE ${where.join(' AND ')}
        ORDER BY l.created_at, l.id
        LIMIT $${params.length}`,
      params,
    );
  }

  async lineage(id: string): Promise<{ parents: LineageEdgeRow[]; children: LineageEdgeRow[] }> {
    const rows: Array<LineageEdgeRow & { direction: 'parent' | 'child' }> = await this.dataSource.query(
      `SELECT 'parent' AS direction, parent_lot_id AS "lotId", kind, quantity::text AS quantity
         FROM lot_lineage WHERE child_lot_id = $1
       UNION ALL
       SELECT 'child', child_lot_id, kind, quantity::text
         FROM lot_lineage WHERE parent_lot_id = $1
       ORDER BY 1, 2`,
      [id],
    );
    const strip = ({ lotId, kind, quantity }: LineageEdgeRow) => ({ lotId, kind, quantity });
    return {
      parents: rows.filter((r) => r.direction === 'parent').map(strip),
      children: rows.filter((r) => r.direction === 'child').map(strip),
    };
  }

  async insertLineage(
    manager: EntityManager,
    edges: ReadonlyArray<{ parentLotId: string; childLotId: string; kind: LineageKind; quantity: bigint }>,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO lot_lineage (parent_lot_id, child_lot_id, kind, quantity, created_at)
       SELECT p, c, k, q, $5 FROM unnest($1::uuid[], $2::uuid[], $3::lineage_kind[], $4::bigint[]) AS e(p, c, k, q)`,
      [
        edges.map((e) => e.parentLotId),
        edges.map((e) => e.childLotId),
        edges.map((e) => e.kind),
        edges.map((e) => e.quantity.toString()),
        at,
      ],
    );
  }

  /**
   * Takes the next label serial of (organisation, waste code, day) and returns it with the
   * organisation's registration code, in one statement.
   */
  async nextLabelSerial(
    executor: EntityManager | null,
    organisationId: string,
    wasteCode: string,
    date: string,
  ): Promise<{ serial: number; registrationCode: string }> {
    const [row] = await (executor ?? this.dataSource.manager).query(
      `INSERT INTO label_serials (organisation_id, waste_code, serial_date, last_serial)
       VALUES ($1, $2, $3, 1)
       ON CONFLICT (organisation_id, waste_code, serial_date)
         DO UPDATE SET last_serial = label_serials.last_serial + 1
       RETURNING last_serial AS serial,
                 (SELECT registration_code FROM organisations WHERE id = $1) AS "registrationCode"`,
      [organisationId, wasteCode, date],
    );
    return row;
  }
}
