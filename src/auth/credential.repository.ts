import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKeyScope } from '../api-keys/entities/api-key.entity';
import type { MemberRole } from '../members/entities/member.entity';
import type { OrganisationRole } from '../organisations/entities/organisation.entity';

export interface CredentialRow {
  id: string;
  secretHash: string;
  platformAdmin: boolean;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  memberId: string | null;
  memberName: string | null;
  memberRole: MemberRole | null;
  memberStatus: string | null;
  organisationId: string | null;
  organisationRoles: OrganisationRole[] | null;
  regionCode: string | null;
  jurisdictionPrefix: string | null;
}

@Injectable()
export class CredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One round trip: the key with its member and organisation. */
  async findByPublicId(publicId: string): Promise<CredentialRow | null> {
    const rows: CredentialRow[] = await this.dataSource.query(
      `SELECT k.id, k.secret_hash AS "secretHash", k.platform_admin AS "platformAdmin",
              k.scopes::text[] AS scopes, k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
              m.id AS "memberId", m.name AS "memberName", m.role AS "memberRole", m.status AS "memberStatus",
              o.id AS "organisationId", o.roles::text[] AS "organisationRoles", o.region_code AS "regionCode",
              o.jurisdiction_prefix AS "jurisdictionPrefix"
         FROM api_keys k
         LEFT JOIN members m ON m.id = k.member_id
         LEFT JOIN organisations o ON o.id = m.organisation_id
        WHERE k.public_id = $1`,
      [publicId],
    );
    return rows[0] ?? null;
  }
}
