/**
 * MEDICAL_COLLECTION_INTERVAL: a medical institution not collected within the interval since its
 * last collection (or since it came under collection, if never collected): 48 h, 24 h when
 * epidemic mode is on (鲁 办法 Art 10; 条例 Art 25). The disposer's duty, so the flag names the
 * institution and its collector. Cleared by the next collection (the key names the collection the
 * interval runs from, so a new interval is a new flag). A past gap longer than the interval while
 * waste waited is reported under `:late:<collection>`.
 */
import { isoOf, toMs, type FactBatch, type MedicalInstitutionFacts } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { HOUR_MS, hoursOf, scopeEntry, type RuleDefinition } from './rule';

export function medicalCollectionInterval(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.MEDICAL_COLLECTION_INTERVAL;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const inst of facts.medicalInstitutions ?? []) {
    out.push(...lateCollections(inst, settings, inst.epidemicMode ? t.epidemicIntervalHours : t.intervalHours));
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

/**
 * Collections that came too late: consecutive collections further apart than the interval while
 * waste generated before the deadline waited for the later one. Reported under `:late:<ref>` (the
 * later collection): the breach happened and does not clear.
 */
function lateCollections(
  inst: MedicalInstitutionFacts,
  settings: RuleProfile['rules']['MEDICAL_COLLECTION_INTERVAL'],
  intervalHours: number,
): Finding[] {
  const history = [...(inst.collectionHistory ?? [])].sort((a, b) => toMs(a.at) - toMs(b.at));
  const out: Finding[] = [];
  for (let i = 1; i < history.length; i++) {
    const previous = toMs(history[i - 1].at);
    const deadline = previous + intervalHours * HOUR_MS;
    const at = toMs(history[i].at);
    if (at <= deadline || toMs(history[i].oldestGeneratedAt) >= deadline) continue;
    out.push(
      makeFinding('MEDICAL_COLLECTION_INTERVAL', settings, {
        subject: { type: 'ORGANISATION', id: inst.organisationId },
        qualifiers: ['late', history[i].ref],
        organisationIds: [inst.organisationId, inst.collectorId],
        message: `Medical institution ${inst.organisationId}: collected ${hoursOf(at - previous)} h after the previous collection (limit ${intervalHours} h), with waste waiting since ${isoOf(toMs(history[i].oldestGeneratedAt))}.`,
        evidence: {
          status: 'COLLECTED_LATE',
          institutionId: inst.organisationId,
          collectorId: inst.collectorId,
          previousCollectedAt: isoOf(previous),
          collectedAt: isoOf(at),
          collectionRef: history[i].ref,
          gapHours: hoursOf(at - previous),
          limitHours: intervalHours,
          oldestWasteGeneratedAt: isoOf(toMs(history[i].oldestGeneratedAt)),
          legalRef: '山东省医疗废物管理办法 Art 10',
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
