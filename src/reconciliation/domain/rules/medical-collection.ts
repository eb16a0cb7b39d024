/**
 * MEDICAL_COLLECTION_INTERVAL: a medical institution not collected within the interval since its
 * last collection (or since it came under collection, if never collected): 48 h, 24 h when
 * epidemic mode is on (鲁 办法 Art 10; 条例 Art 25). The disposer's duty, so the flag names the
 * institution and its collector. Cleared by the next collection (the key names the collection the
 * interval runs from, so a new interval is a new flag).
 */
import { isoOf, toMs, type FactBatch } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { HOUR_MS, hoursOf, scopeEntry, type RuleDefinition } from './rule';

export function medicalCollectionInterval(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.MEDICAL_COLLECTION_INTERVAL;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const inst of facts.medicalInstitutions ?? []) {
    if (t.onlyWithPendingWaste && inst.pendingWasteSince === null) continue;
    const sinceAt = toMs(inst.lastCollectedAt ?? inst.serviceStartAt);
    const intervalHours = inst.epidemicMode ? t.epidemicIntervalHours : t.intervalHours;
    const limitAt = sinceAt + intervalHours * HOUR_MS;
    if (now.getTime() <= limitAt) continue;
    const elapsed = now.getTime() - sinceAt;
    out.push(
      makeFinding('MEDICAL_COLLECTION_INTERVAL', settings, {
        subject: { type: 'ORGANISATION', id: inst.organisationId },
        qualifiers: [inst.lastCollectionRef ?? 'never'],
        organisationIds: [inst.organisationId, inst.collectorId],
        message: `Medical institution ${inst.organisationId}: ${inst.lastCollectedAt === null ? 'never collected' : 'not collected'} for ${hoursOf(elapsed)} h (limit ${intervalHours} h${inst.epidemicMode ? ', epidemic mode' : ''}).`,
        evidence: {
          institutionId: inst.organisationId,
          collectorId: inst.collectorId,
          epidemicMode: inst.epidemicMode,
          lastCollectedAt: inst.lastCollectedAt === null ? null : isoOf(inst.lastCollectedAt),
          lastCollectionRef: inst.lastCollectionRef,
          intervalStartedAt: isoOf(sinceAt),
          deadline: isoOf(limitAt),
          limitHours: intervalHours,
          elapsedHours: hoursOf(elapsed),
          pendingWasteSince: inst.pendingWasteSince === null ? null : isoOf(inst.pendingWasteSince),
          legalRef: inst.epidemicMode ? '山东省医疗废物管理办法 Art 10 (epidemic)' : '山东省医疗废物管理办法 Art 10',
        },
      }),
    );
  }
  return out;
}

export const MEDICAL_COLLECTION_INTERVAL_RULE: RuleDefinition = {
  id: 'MEDICAL_COLLECTION_INTERVAL',
  evaluate: medicalCollectionInterval,
  scope: (facts) =>
    (facts.medicalInstitutions ?? []).map((i) =>
      scopeEntry('MEDICAL_COLLECTION_INTERVAL', { type: 'ORGANISATION', id: i.organisationId }),
    ),
};
