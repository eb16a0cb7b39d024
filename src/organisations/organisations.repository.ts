import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { Organisation, OrganisationRole } from './entities/organisation.entity';

export interface OrganisationVisibility {
  /** Everything (platform admin). */
  all?: boolean;
  ownId?: string;
  /** Region-code prefix of a regulator. */
  jurisdictionPrefix?: string | null;
}

/** Roles whose holders are listed in the directory every member can read (counterparties on manifests). */
export const DIRECTORY_ROLES = [
  OrganisationRole.TRANSPORTER,
  OrganisationRole.COLLECTOR,
  OrganisationRole.STORER,
  OrganisationRole.TREATER,
  OrganisationRole.REGULATOR,
];

@Injectable()
export class OrganisationsRepository {
  private readonly repo: Repository<Organisation>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Organisation);
  }

  async insert(values: Omit<Organisation, 'id' | 'createdAt'>): Promise<Organisation> {
    return this.repo.save(this.repo.create(values));
  }

  async findById(id: string): Promise<Organisation | null> {
    return this.repo.findOne({ where: { id } });
  }

  async existsByRegistrationCode(code: string): Promise<boolean> {
    return this.repo.exists({ where: { registrationCode: code } });
  }

  async list(
    visibility: OrganisationVisibility,
    filter: { role?: OrganisationRole; regionPrefix?: string },
    after: KeysetPosition | null,
    limit: number,
  ): Promise<Organisation[]> {
    const qb = this.repo.createQueryBuilder('o');
    if (!visibility.all) {
      qb.andWhere(
        `(o.id = :ownId OR o.roles && CAST(:directory AS organisation_role[])${
          visibility.jurisdictionPrefix ? ' OR o.region_code LIKE :jurisdiction' : ''
        })`,
        {
          ownId: visibility.ownId,
          directory: `{${DIRECTORY_ROLES.join(',')}}`,
          jurisdiction: `${visibility.jurisdictionPrefix}%`,
        },
      );
    }
    if (filter.role) qb.andWhere(':role = ANY(o.roles)', { role: filter.role });
    if (filter.regionPrefix) qb.andWhere('o.region_code LIKE :rp', { rp: `${filter.regionPrefix}%` });
    if (after) qb.andWhere('(o.created_at, o.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }
}
