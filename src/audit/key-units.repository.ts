import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { regionBounds, type ReadScope } from '../common/auth/read-scope';
import { KeyUnitAction, KeyUnitDesignation } from './entities/key-unit-designation.entity';

export interface UnitRow {
  id: string;
  name: string;
  registrationCode: string;
  regionCode: string;
  roles: string[];
}

export type RecordOutcome =
  { ok: true; designation: KeyUnitDesignation } | { ok: false; latest: KeyUnitDesignation | null };

@Injectable()
export class KeyUnitsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends a manual addition or removal, provided it changes the unit's manual state (an ADD
   * only when not listed manually, a REMOVE only when it is). Changes to one unit are serialised
   * by an advisory lock, so two concurrent additions give one record and one refusal.
   */
  record(values: Omit<KeyUnitDesignation, 'id' | 'recordedAt'>): Promise<RecordOutcome> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`key-unit:${values.organisationId}`]);
      const latest = await m
        .getRepository(KeyUnitDesignation)
        .findOne({ where: { organisationId: values.organisationId }, order: { id: 'DESC' } });
      const listed = latest?.action === KeyUnitAction.ADD;
      if ((values.action === KeyUnitAction.ADD) === listed) return { ok: false, latest };
      const designation = await m.save(m.create(KeyUnitDesignation, values));
      return { ok: true, designation };
    });
  }

  history(organisationId: string): Promise<KeyUnitDesignation[]> {
    return this.dataSource.getRepository(KeyUnitDesignation).find({ where: { organisationId }, order: { id: 'ASC' } });
  }

  /** The latest designation of each unit in scope (whether it is now ADD or REMOVE). */
  latestIn(scope: ReadScope): Promise<KeyUnitDesignation[]> {
    const qb = this.dataSource
      .getRepository(KeyUnitDesignation)
      .createQueryBuilder('d')
      .distinctOn(['d.organisation_id'])
      .innerJoin('d.organisation', 'o')
      .orderBy('d.organisation_id')
      .addOrderBy('d.id', 'DESC');
    if (scope.kind === 'region') {
      const [lo, hi] = regionBounds(scope.prefix);
      qb.where('o.region_code BETWEEN :lo AND :hi', { lo, hi });
    } else if (scope.kind === 'organisation') {
      qb.where('d.organisation_id = :id', { id: scope.organisationId });
    }
    return qb.getMany();
  }

  /** Organisations in scope that may be units under HJ 1259 (everyone but regulators), by name. */
  unitsIn(scope: ReadScope): Promise<UnitRow[]> {
    const [lo, hi] = scope.kind === 'region' ? regionBounds(scope.prefix) : [null, null];
    return this.dataSource.query(
      `SELECT id, name, registration_code AS "registrationCode", region_code AS "regionCode", roles::text[] AS roles
         FROM organisations
        WHERE NOT ('REGULATOR' = ANY(roles))
          AND ($1::varchar IS NULL OR region_code BETWEEN $1 AND $2)
          AND ($3::uuid IS NULL OR id = $3)
        ORDER BY region_code, name, id`,
      [lo, hi, scope.kind === 'organisation' ? scope.organisationId : null],
    );
  }
}
