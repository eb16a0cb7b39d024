import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { PermitAction, PermitState, type PermitStatus } from './domain/permit-lifecycle';
import type { PermitKind, Revocation } from './domain/permit-rules';
import { Permit } from './entities/permit.entity';
import { PermitStatusChange } from './entities/permit-status-change.entity';

export interface PermitVisibility {
  all?: boolean;
  ownOrganisationId?: string;
  /** Region-code prefix of a regulator. */
  jurisdictionPrefix?: string | null;
}

export interface PermitListFilter {
  organisationId?: string;
  kind?: PermitKind;
  /** Effective state on `today`. */
  state?: PermitState;
  today: string;
}

export type NewPermit = Omit<Permit, 'id' | 'createdAt' | 'status' | 'statusChangedAt' | 'organisation'>;

@Injectable()
export class PermitsRepository {
  private readonly repo: Repository<Permit>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(Permit);
  }

  /** Inserts the permit (ACTIVE) and its ISSUE history entry in one transaction. */
  async insert(values: NewPermit, reason: string): Promise<Permit> {
    return this.dataSource.transaction(async (manager) => {
      const permit = await manager.save(
        manager.create(Permit, { ...values, status: 'ACTIVE' as PermitStatus, statusChangedAt: new Date() }),
      );
      await manager.insert(PermitStatusChange, {
        permitId: permit.id,
        action: PermitAction.ISSUE,
        fromState: null,
        toState: PermitState.ACTIVE,
        reason,
        actor: values.createdBy,
        occurredAt: permit.statusChangedAt,
      });
      return permit;
    });
  }

  findById(id: string): Promise<Permit | null> {
    return this.repo.findOne({ where: { id } });
  }

  history(permitId: string): Promise<PermitStatusChange[]> {
    return this.dataSource.manager.find(PermitStatusChange, { where: { permitId }, order: { id: 'ASC' } });
  }

  /** Every permit of an organisation (any state), for the permit check. */
  ofOrganisation(organisationId: string, manager?: EntityManager): Promise<Permit[]> {
    return (manager ?? this.dataSource.manager).find(Permit, {
      where: { organisationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async list(
    visibility: PermitVisibility,
    filter: PermitListFilter,
    after: KeysetPosition | null,
    limit: number,
  ): Promise<Permit[]> {
    const qb = this.repo.createQueryBuilder('p').innerJoin('p.organisation', 'o');
    if (!visibility.all) {
      qb.andWhere(
        `(p.organisation_id = :own${visibility.jurisdictionPrefix ? ' OR o.region_code LIKE :jurisdiction' : ''})`,
        { own: visibility.ownOrganisationId, jurisdiction: `${visibility.jurisdictionPrefix}%` },
      );
    }
    if (filter.organisationId) qb.andWhere('p.organisation_id = :org', { org: filter.organisationId });
    if (filter.kind) qb.andWhere('p.kind = :kind', { kind: filter.kind });
    if (filter.state === PermitState.EXPIRED) {
      qb.andWhere(`p.status IN ('ACTIVE', 'SUSPENDED') AND p.valid_to < :today`, { today: filter.today });
    } else if (filter.state === PermitState.ACTIVE || filter.state === PermitState.SUSPENDED) {
      qb.andWhere('p.status = :state AND p.valid_to >= :today', { state: filter.state, today: filter.today });
    } else if (filter.state) {
      qb.andWhere('p.status = :state', { state: filter.state });
    }
    if (after) qb.andWhere('(p.created_at, p.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /**
   * Applies one lifecycle transition under a row lock: concurrent transitions of the same permit
   * run one after the other, and each decides from the state the previous one left. `decide`
   * returns the change or throws (which rolls back).
   */
  async transition(
    id: string,
    decide: (permit: Permit) => { from: PermitState; to: PermitStatus },
    entry: { action: PermitAction; reason: string; actor: string },
  ): Promise<Permit | null> {
    return this.dataSource.transaction(async (manager) => {
      const permit = await manager.findOne(Permit, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!permit) return null;
      const { from, to } = decide(permit);
      const now = new Date();
      await manager.update(Permit, { id }, { status: to, statusChangedAt: now });
      await manager.insert(PermitStatusChange, {
        permitId: id,
        action: entry.action,
        fromState: from,
        toState: to as unknown as PermitState,
        reason: entry.reason,
        actor: entry.actor,
        occurredAt: now,
      });
      return { ...permit, status: to, statusChangedAt: now };
    });
  }

  /** Revocations of licences held by the legal entity with this registration code (China dates). */
  async revocationsOf(registrationCode: string): Promise<Revocation[]> {
    const rows: Array<{ permit_id: string; kind: PermitKind; revoked_on: string }> = await this.dataSource.query(
      `SELECT p.id AS permit_id, p.kind, to_char(c.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS revoked_on
         FROM permit_status_changes c
         JOIN permits p ON p.id = c.permit_id
         JOIN organisations o ON o.id = p.organisation_id
        WHERE o.registration_code = $1 AND c.action = 'REVOKE'`,
      [registrationCode],
    );
    return rows.map((r) => ({ permitId: r.permit_id, kind: r.kind, revokedOn: r.revoked_on }));
  }
}
