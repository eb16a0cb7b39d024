import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { CreditGradeEntry } from './entities/credit-grade.entity';

@Injectable()
export class CreditGradesRepository {
  private readonly repo: Repository<CreditGradeEntry>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(CreditGradeEntry);
  }

  insert(values: Omit<CreditGradeEntry, 'id' | 'createdAt' | 'organisation'>): Promise<CreditGradeEntry> {
    return this.repo.save(this.repo.create(values));
  }

  /** Every grade ever recorded for the organisation, oldest first. */
  allOf(organisationId: string, manager?: EntityManager): Promise<CreditGradeEntry[]> {
    return (manager ?? this.dataSource.manager).find(CreditGradeEntry, {
      where: { organisationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  list(organisationId: string, after: KeysetPosition | null, limit: number): Promise<CreditGradeEntry[]> {
    const qb = this.repo.createQueryBuilder('g').where('g.organisation_id = :organisationId', { organisationId });
    if (after) qb.andWhere('(g.created_at, g.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }
}
