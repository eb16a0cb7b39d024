import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { ApiKey } from './entities/api-key.entity';

@Injectable()
export class ApiKeysRepository {
  private readonly repo: Repository<ApiKey>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiKey);
  }

  insert(values: Omit<ApiKey, 'id' | 'createdAt' | 'revokedAt' | 'revokedBy'>): Promise<ApiKey> {
    return this.repo.save(this.repo.create({ ...values, revokedAt: null, revokedBy: null }));
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.repo.findOne({ where: { id } });
  }

  list(
    filter: { organisationId?: string; memberId?: string },
    after: KeysetPosition | null,
    limit: number,
  ): Promise<ApiKey[]> {
    const qb = this.repo.createQueryBuilder('k').where('k.platform_admin = false');
    if (filter.organisationId) qb.andWhere('k.organisation_id = :o', { o: filter.organisationId });
    if (filter.memberId) qb.andWhere('k.member_id = :m', { m: filter.memberId });
    if (after) qb.andWhere('(k.created_at, k.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('k.created_at', 'ASC')
      .addOrderBy('k.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /** Revokes once: a second revocation keeps the first time and actor. */
  async revoke(id: string, actor: string): Promise<ApiKey | null> {
    await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()', revokedBy: actor });
    return this.findById(id);
  }

  async publicIdsOfMember(memberId: string): Promise<string[]> {
    const rows = await this.repo.find({ where: { memberId }, select: { publicId: true } });
    return rows.map((r) => r.publicId);
  }
}
