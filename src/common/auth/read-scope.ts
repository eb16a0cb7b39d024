import { MemberRole } from '../../members/entities/member.entity';
import { inJurisdiction, isPlatformAdmin, isRegulator, type Principal } from './principal';

/** Member roles that read audits, statistics and registers (drivers do not). */
export const READER_ROLES = [MemberRole.ADMIN, MemberRole.OPERATOR, MemberRole.AUDITOR];

/**
 * Whose figures a report or register covers. Pure: callers load the organisation named in the
 * query (if any) and pass it in.
 */
export type ReadScope =
  | { kind: 'all' }
  | { kind: 'region'; prefix: string }
  | { kind: 'organisation'; organisationId: string; regionCode: string };

export interface NamedOrganisation {
  id: string;
  regionCode: string;
}

export type ScopeDecision = { ok: true; scope: ReadScope } | { ok: false; reason: 'not-found' };

/**
 * - Platform administrator: the named organisation, else the region asked for, else everything.
 * - Regulator: the named organisation if in its jurisdiction, else the region asked for if it lies
 *   within its jurisdiction (any longer prefix), else its whole jurisdiction.
 * - Any other member: its own organisation only (naming another one is "not found").
 * `named` is undefined when the query names no organisation, null when it names an unknown one.
 */
export function decideReadScope(
  principal: Principal,
  query: { organisationId?: string; region?: string },
  named: NamedOrganisation | null | undefined,
): ScopeDecision {
  const notFound: ScopeDecision = { ok: false, reason: 'not-found' };
  if (query.organisationId !== undefined) {
    if (!named) return notFound;
    const visible =
      isPlatformAdmin(principal) ||
      principal.organisationId === named.id ||
      inJurisdiction(principal, named.regionCode);
    if (!visible) return notFound;
    return { ok: true, scope: { kind: 'organisation', organisationId: named.id, regionCode: named.regionCode } };
  }
  if (isPlatformAdmin(principal)) {
    return { ok: true, scope: query.region ? { kind: 'region', prefix: query.region } : { kind: 'all' } };
  }
  if (isRegulator(principal)) {
    const prefix = query.region ?? principal.jurisdictionPrefix;
    if (!prefix.startsWith(principal.jurisdictionPrefix)) return notFound;
    return { ok: true, scope: { kind: 'region', prefix } };
  }
  if (query.region !== undefined && !principal.regionCode.startsWith(query.region)) return notFound;
  return {
    ok: true,
    scope: { kind: 'organisation', organisationId: principal.organisationId, regionCode: principal.regionCode },
  };
}

/** [lowest, highest] 6-digit region codes under a prefix: an index-friendly range for `BETWEEN`. */
export function regionBounds(prefix: string): [string, string] {
  return [prefix.padEnd(6, '0'), prefix.padEnd(6, '9')];
}
