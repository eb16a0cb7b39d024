import { dedupeKey, type Finding, type Subject } from '../finding';
import type { FactBatch, ManifestFacts, ManifestStepFact, ManifestStepType, OrganisationFacts } from '../facts';
import type { RuleId, RuleProfile } from '../rule-profile';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A rule: pure, deterministic, no I/O. `now` is the evaluation instant. */
export type RuleFn = (facts: FactBatch, profile: RuleProfile, now: Date) => Finding[];

/**
 * One unit a rule judged in full: every flag of `ruleId` whose key equals `keyPrefix` or starts
 * with `keyPrefix + ':'` is settled by this evaluation — present in the findings if the
 * condition holds, absent (so to be resolved) if it no longer does.
 */
export interface ScopeEntry {
  ruleId: RuleId;
  subject: Subject;
  keyPrefix: string;
}

export interface RuleDefinition {
  id: RuleId;
  evaluate: RuleFn;
  /** The units this rule judges, given a batch (independent of what it finds). */
  scope(facts: FactBatch): ScopeEntry[];
}

export function scopeEntry(ruleId: RuleId, subject: Subject, ...qualifiers: (string | number)[]): ScopeEntry {
  return { ruleId, subject, keyPrefix: dedupeKey(ruleId, subject, ...qualifiers) };
}

export const lotScope =
  (ruleId: RuleId) =>
  (facts: FactBatch): ScopeEntry[] =>
    (facts.lots ?? []).map((l) => scopeEntry(ruleId, { type: 'LOT', id: l.id }));

export const manifestScope =
  (ruleId: RuleId) =>
  (facts: FactBatch): ScopeEntry[] =>
    (facts.manifests ?? []).map((m) => scopeEntry(ruleId, { type: 'MANIFEST', id: m.id }));

/**
 * Where a clock stands against its limit: OK; WARN (past the warning, still open); BREACH (past the
 * limit, still open); LATE (ended, but after the limit). A limit is met when the end is at or
 * before `limitAt`; a warning starts strictly after `warnAt`.
 */
export type LimitState = 'OK' | 'WARN' | 'BREACH' | 'LATE';

export function limitState(endAt: number | null, warnAt: number | null, limitAt: number, now: number): LimitState {
  if (endAt !== null) return endAt > limitAt ? 'LATE' : 'OK';
  if (now > limitAt) return 'BREACH';
  if (warnAt !== null && now > warnAt) return 'WARN';
  return 'OK';
}

/** Hours, rounded to 0.01, for evidence and messages. */
export function hoursOf(ms: number): number {
  return Math.round((ms / HOUR_MS) * 100) / 100;
}

export function organisationsById(facts: FactBatch): Map<string, OrganisationFacts> {
  return new Map((facts.organisations ?? []).map((o) => [o.id, o]));
}

export function sortedSteps(m: ManifestFacts): ManifestStepFact[] {
  return [...m.steps].sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function firstStep(m: ManifestFacts, type: ManifestStepType): ManifestStepFact | undefined {
  return sortedSteps(m).find((s) => s.type === type);
}

export function carrierIds(m: ManifestFacts): string[] {
  return [...m.carriers].sort((a, b) => a.order - b.order).map((c) => c.organisationId);
}

export function partiesOf(m: ManifestFacts): string[] {
  return [m.consignorId, ...carrierIds(m), m.consigneeId];
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** |diff| beyond a tolerance of max(minGrams, basisPoints × base / 10 000), in exact integer arithmetic. */
export function beyondTolerance(diffGrams: number, baseGrams: number, basisPoints: number, minGrams = 0): boolean {
  const scaledDiff = BigInt(Math.abs(Math.trunc(diffGrams))) * 10_000n;
  const byShare = BigInt(Math.trunc(basisPoints)) * BigInt(Math.max(0, Math.trunc(baseGrams)));
  const byMin = BigInt(Math.trunc(minGrams)) * 10_000n;
  return scaledDiff > (byShare > byMin ? byShare : byMin);
}
