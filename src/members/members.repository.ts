import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { Member, MemberStatus } from './entities/member.entity';

@Injectable()
export class MembersRepository {
  private readonly repo: Repository<Member>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Member);
  }

  insert(values: Omit<Member, 'id' | 'createdAt' | 'status'>): Promise<Member> {
    return this.repo.save(this.repo.create({ ...values, status: MemberStatus.ACTIVE }));
  }

  findById(id: string): Promise<Member | null> {
    return this.repo.findOne({ where: { id } });
  }

  list(organisationId: string | undefined, after: KeysetPosition | null, limit: number): Promise<Member[]> {
    const qb = this.repo.createQueryBuilder('m');
    if (organisationId) qb.andWhere('m.organisation_id = :organisationId', { organisationId });
    if (after) qb.andWhere('(m.created_at, m.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('m.created_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  async setStatus(id: string, status: MemberStatus): Promise<void> {
    await this.repo.update({ id }, { status });
  }
}
