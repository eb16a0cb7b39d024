import { inJurisdiction, isPlatformAdmin, type Principal } from '../common/auth/principal';
import type { ActingParty } from './domain/manifest-state-machine';
import type { ManifestAggregate, ManifestVisibility } from './manifests.repository';
import { isRegulator } from '../common/auth/principal';

/** The roles an organisation plays on a manifest. */
export function partyOf(aggregate: ManifestAggregate, organisationId: string): ActingParty {
  return {
    consignor: aggregate.manifest.consignorId === organisationId,
    consignee: aggregate.manifest.consigneeId === organisationId,
    carrierIndexes: aggregate.carriers.filter((c) => c.organisationId === organisationId).map((c) => c.position),
  };
}

export const isParty = (p: ActingParty) => p.consignor || p.consignee || p.carrierIndexes.length > 0;

/** Parties see their manifests; a regulator those sent from or received in its jurisdiction. */
export function canSeeManifest(principal: Principal, aggregate: ManifestAggregate): boolean {
  if (isPlatformAdmin(principal)) return true;
  if (isParty(partyOf(aggregate, principal.organisationId))) return true;
  return (
    inJurisdiction(principal, aggregate.manifest.consignorRegion) ||
    inJurisdiction(principal, aggregate.manifest.consigneeRegion)
  );
}

export function manifestVisibility(principal: Principal): ManifestVisibility {
  if (isPlatformAdmin(principal)) return { all: true };
  return {
    organisationId: principal.organisationId,
    jurisdictionPrefix: isRegulator(principal) ? principal.jurisdictionPrefix : null,
  };
}
