import type { EntityManager } from 'typeorm';
import type { ManifestFacts, PairLossFacts, PermitCheckFact } from '../domain/facts';
import type { RuleProfile } from '../domain/rule-profile';

/**
 * The manifest part of a fact batch, implemented by the manifests feature and registered under
 * MANIFEST_FACTS_SOURCE (any module may provide it: the reconciliation module looks the token up
 * across the application at start). Without one, batches carry no manifest facts and manifest
 * rules judge nothing (their scope stays empty, so no manifest flag is ever cleared by mistake).
 *
 * Register it in the manifests module:
 *   providers: [ManifestFactsLoader, { provide: MANIFEST_FACTS_SOURCE, useExisting: ManifestFactsLoader }]
 */
export interface ManifestFactsSource {
  /**
   * Facts of the manifests named, read set-based (one query per kind for the whole batch, never
   * one per manifest) in the caller's transaction `manager`:
   * - `manifests`: every requested manifest that exists, each with ALL its steps and lines
   *   (facts.ts ManifestFacts: id, number, status, consignorId, consigneeId, carriers[{organisationId,
   *   order}], submittedAt, steps[{id, seq, type, organisationId, occurredAt, recordedAt}],
   *   lines[{lotId, declaredCode, declaredGrams, declaredContainers, receivedCode, receivedGrams,
   *   receivedContainers, decision, discrepancyRecorded}]);
   * - `permitChecks`: the latest permit check per manifest, party, step and code
   *   (PermitCheckFact), for UNLICENSED_PARTY / PERMIT_SCOPE / PERMIT_CAPACITY;
   * - `pairLosses`: optional, CUMULATIVE_LOSS aggregates (PairLossFacts) of the consignor →
   *   consignee pairs of these manifests over the profile's window ending at `now` (the pair is
   *   judged in full, so it must aggregate every manifest of the pair, not only those named);
   * - `organisationIds`: every party the manifests name, so that the core loader adds their
   *   OrganisationFacts and credit grades (BLACKLISTED_PARTY) to the batch.
   * Times are Dates or ISO strings with an offset; quantities integer grams (Number() of bigint).
   */
  load(manager: EntityManager, request: ManifestFactsRequest): Promise<ManifestFactsPart>;

  /**
   * Manifests a full reconciliation run covers: with a party registered in `regionPrefix` (all
   * regions when null) and active in [from, to) (unbounded ends when null). Set-based; ids only.
   */
  idsForRun(manager: EntityManager, scope: RunScope): Promise<string[]>;
}

export interface ManifestFactsRequest {
  manifestIds: readonly string[];
  /** The evaluation instant. */
  now: Date;
  /** The profile in force (e.g. CUMULATIVE_LOSS.windowDays). */
  profile: RuleProfile;
}

export interface ManifestFactsPart {
  manifests: ManifestFacts[];
  permitChecks?: PermitCheckFact[];
  pairLosses?: PairLossFacts[];
  organisationIds?: string[];
}

export interface RunScope {
  /** Region-code prefix of a party; null: every region. */
  regionPrefix: string | null;
  from: Date | null;
  to: Date | null;
}

/** DI token of the ManifestFactsSource. */
export const MANIFEST_FACTS_SOURCE = Symbol.for('custody-ledger:manifest-facts-source');

/** The default: no manifest facts. */
export const NO_MANIFEST_FACTS: ManifestFactsSource = {
  load: () => Promise.resolve({ manifests: [] }),
  idsForRun: () => Promise.resolve([]),
};
