import type { ApiKeyScope } from '../../api-keys/entities/api-key.entity';
import type { MemberRole } from '../../members/entities/member.entity';
import type { OrganisationRole } from '../../organisations/entities/organisation.entity';

/** Who is calling: resolved once per request from the API key. */
export type Principal = PlatformAdminPrincipal | MemberPrincipal;

interface PrincipalBase {
  /** The credential used (api key id, or 'env' for ADMIN_API_KEY): the rate-limit and idempotency scope. */
  credentialId: string;
  scopes: readonly ApiKeyScope[];
  /** Stable text recorded as the actor of every write. */
  actor: string;
}

export interface PlatformAdminPrincipal extends PrincipalBase {
  kind: 'platform-admin';
}

export interface MemberPrincipal extends PrincipalBase {
  kind: 'member';
  memberId: string;
  memberName: string;
  memberRole: MemberRole;
  organisationId: string;
  organisationRoles: readonly OrganisationRole[];
  regionCode: string;
  /** Region-code prefix for a REGULATOR, null otherwise. */
  jurisdictionPrefix: string | null;
}

export const isPlatformAdmin = (p: Principal): p is PlatformAdminPrincipal => p.kind === 'platform-admin';

export const isRegulator = (p: Principal): p is MemberPrincipal & { jurisdictionPrefix: string } =>
  p.kind === 'member' && p.jurisdictionPrefix !== null && p.organisationRoles.includes('REGULATOR' as OrganisationRole);

/** True when a regulator's jurisdiction covers this region code. */
export function inJurisdiction(p: Principal, regionCode: string | null | undefined): boolean {
  return isRegulator(p) && !!regionCode && regionCode.startsWith(p.jurisdictionPrefix);
}
