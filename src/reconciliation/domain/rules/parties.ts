/**
 * BLACKLISTED_PARTY: a party to a manifest (consignor, carrier, consignee) whose environmental
 * credit grade is black-listed (the profile's grades) when the manifest was submitted, or — while
 * the manifest is still open — now. Cancelled manifests are ignored.
 * CUMULATIVE_LOSS: net weight lost between one consignor and one consignee over a rolling window
 * (declared − received on received lines, plus declared weight of shipments overdue in transit).
 * Any net loss above `flagAboveGrams` raises a flag; ≥ 3 t escalates (两高解释 2023 Art 1(2)).
 */
import {
  isMedicalManifest,
  isoOf,
  toMs,
  type CreditGradeFact,
  type FactBatch,
  type ManifestFacts,
  type PairLossFacts,
} from '../facts';
import { makeFinding, uniqueSorted, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import {
  DAY_MS,
  HOUR_MS,
  carrierIds,
  compareStrings,
  firstStep,
  manifestScope,
  scopeEntry,
  type RuleDefinition,
} from './rule';

const CLOSED_STATUSES = new Set(['COMPLETED', 'REJECTED', 'CANCELLED']);

/** The grade in force at `at`: validFrom ≤ at < validTo; the latest validFrom wins. */
export function gradeAt(grades: CreditGradeFact[], at: number): CreditGradeFact | undefined {
  let best: CreditGradeFact | undefined;
  for (const g of grades) {
    if (toMs(g.validFrom) > at || (g.validTo !== null && at >= toMs(g.validTo))) continue;
    if (!best || toMs(g.validFrom) > toMs(best.validFrom)) best = g;
  }
  return best;
}

function partyRoles(m: ManifestFacts): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  const add = (id: string, role: string) => roles.set(id, [...(roles.get(id) ?? []), role]);
  add(m.consignorId, 'CONSIGNOR');
  for (const c of carrierIds(m)) add(c, 'CARRIER');
  add(m.consigneeId, 'CONSIGNEE');
  return roles;
}

export function blacklistedParty(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.BLACKLISTED_PARTY;
  const black = new Set<string>(settings.thresholds.grades);
  const byOrg = new Map<string, CreditGradeFact[]>();
  for (const g of facts.creditGrades ?? []) byOrg.set(g.organisationId, [...(byOrg.get(g.organisationId) ?? []), g]);
  const out: Finding[] = [];
  for (const m of facts.manifests ?? []) {
    if (m.status === 'CANCELLED') continue;
    const open = !CLOSED_STATUSES.has(m.status);
    for (const [orgId, roles] of partyRoles(m)) {
      const grades = byOrg.get(orgId) ?? [];
      const atSubmission = m.submittedAt !== null ? gradeAt(grades, toMs(m.submittedAt)) : undefined;
      const current = open ? gradeAt(grades, now.getTime()) : undefined;
      const hit =
        atSubmission && black.has(atSubmission.grade)
          ? { grade: atSubmission, asOf: 'SUBMISSION' }
          : current && black.has(current.grade)
            ? { grade: current, asOf: 'NOW' }
            : null;
      if (!hit) continue;
      out.push(
        makeFinding('BLACKLISTED_PARTY', settings, {
          subject: { type: 'MANIFEST', id: m.id },
          qualifiers: [orgId],
          organisationIds: [orgId, m.consignorId, m.consigneeId],
          message: `Manifest ${m.number}: ${roles.join('/').toLowerCase()} ${orgId} has credit grade ${hit.grade.grade} (${
            hit.asOf === 'SUBMISSION' ? 'when the manifest was submitted' : 'now, while the manifest is open'
          }).`,
          evidence: {
            partyId: orgId,
            roles,
            grade: hit.grade.grade,
            gradeValidFrom: isoOf(hit.grade.validFrom),
            gradeValidTo: hit.grade.validTo === null ? null : isoOf(hit.grade.validTo),
            asOf: hit.asOf,
            submittedAt: m.submittedAt === null ? null : isoOf(m.submittedAt),
            manifestStatus: m.status,
          },
        }),
      );
    }
  }
  return out;
}

export function cumulativeLoss(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.CUMULATIVE_LOSS;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const p of facts.pairLosses ?? []) {
    const net = p.declaredGrams - p.receivedGrams + p.undeliveredGrams;
    if (!(net > t.flagAboveGrams)) continue;
    const escalated = net >= t.escalateAtGrams;
    const tier = net >= t.seriousAtGrams ? 'SERIOUS' : escalated ? 'SEVERE' : 'BELOW_CRIMINAL_THRESHOLD';
    out.push(
      makeFinding('CUMULATIVE_LOSS', settings, {
        subject: { type: 'ORGANISATION', id: p.consignorId },
        qualifiers: [p.consigneeId],
        severity: escalated ? (settings.escalatedSeverity ?? 'CRITICAL') : settings.severity,
        organisationIds: [p.consignorId, p.consigneeId, ...p.carrierIds],
        message: `${p.consignorId} → ${p.consigneeId}: ${net} g lost in transit over ${p.manifestCount} manifests since ${isoOf(
          p.windowFrom,
        )}${escalated ? ` (at or above the ${t.escalateAtGrams / 1_000_000} t criminal threshold)` : ''}.`,
        evidence: {
          consignorId: p.consignorId,
          consigneeId: p.consigneeId,
          windowFrom: isoOf(p.windowFrom),
          windowTo: isoOf(p.windowTo),
          manifestCount: p.manifestCount,
          declaredGrams: p.declaredGrams,
          receivedGrams: p.receivedGrams,
          undeliveredGrams: p.undeliveredGrams,
          shortfallGrams: p.shortfallGrams,
          excessGrams: p.excessGrams,
          netLossGrams: net,
          tier,
          escalateAtGrams: t.escalateAtGrams,
          seriousAtGrams: t.seriousAtGrams,
          carrierIds: uniqueSorted(p.carrierIds),
          manifestIds: uniqueSorted(p.manifestIds),
        },
      }),
    );
  }
  return out;
}

/**
 * Reference definition of PairLossFacts, from manifests (the loader's SQL must compute the same):
 * window = (now − windowDays, now]. Not cancelled manifests only.
 * - A manifest whose first RECEIVE step occurred in the window contributes its lines with a
 *   received weight: declared, received, per-line shortfall and excess.
 * - A manifest whose first PICKUP occurred in the window, with no DELIVER step and past the
 *   TRANSIT_OVERDUE limit, contributes all its declared weight as undelivered.
 * Pairs with nothing in the window are omitted. Output sorted by consignor, consignee.
 */
export function pairLossFactsFromManifests(
  manifests: readonly ManifestFacts[],
  profile: RuleProfile,
  now: Date,
): PairLossFacts[] {
  const { windowDays } = profile.rules.CUMULATIVE_LOSS.thresholds;
  const transit = profile.rules.TRANSIT_OVERDUE.thresholds;
  const to = now.getTime();
  const from = to - windowDays * DAY_MS;
  const inWindow = (ms: number) => ms > from && ms <= to;
  const pairs = new Map<string, PairLossFacts>();
  for (const m of manifests) {
    if (m.status === 'CANCELLED') continue;
    const receive = firstStep(m, 'RECEIVE');
    const pickup = firstStep(m, 'PICKUP');
    const delivered = firstStep(m, 'DELIVER') !== undefined;
    const received = receive !== undefined && inWindow(toMs(receive.occurredAt));
    const limitHours = isMedicalManifest(m) ? transit.medicalHours : transit.hazardousHours;
    const undelivered =
      !delivered &&
      pickup !== undefined &&
      inWindow(toMs(pickup.occurredAt)) &&
      to > toMs(pickup.occurredAt) + limitHours * HOUR_MS;
    if (!received && !undelivered) continue;
    const key = JSON.stringify([m.consignorId, m.consigneeId]);
    let p = pairs.get(key);
    if (!p) {
      p = {
        consignorId: m.consignorId,
        consigneeId: m.consigneeId,
        windowFrom: new Date(from).toISOString(),
        windowTo: new Date(to).toISOString(),
        manifestCount: 0,
        declaredGrams: 0,
        receivedGrams: 0,
        shortfallGrams: 0,
        excessGrams: 0,
        undeliveredGrams: 0,
        carrierIds: [],
        manifestIds: [],
      };
      pairs.set(key, p);
    }
    p.manifestCount += 1;
    p.carrierIds = uniqueSorted([...p.carrierIds, ...carrierIds(m)]);
    let lost = false;
    if (received) {
      for (const l of m.lines) {
        if (l.receivedGrams === null) continue;
        p.declaredGrams += l.declaredGrams;
        p.receivedGrams += l.receivedGrams;
        p.shortfallGrams += Math.max(0, l.declaredGrams - l.receivedGrams);
        p.excessGrams += Math.max(0, l.receivedGrams - l.declaredGrams);
        if (l.receivedGrams < l.declaredGrams) lost = true;
      }
    } else {
      p.undeliveredGrams += m.lines.reduce((a, l) => a + l.declaredGrams, 0);
      lost = true;
    }
    if (lost) p.manifestIds = uniqueSorted([...p.manifestIds, m.id]);
  }
  return [...pairs.values()].sort(
    (a, b) => compareStrings(a.consignorId, b.consignorId) || compareStrings(a.consigneeId, b.consigneeId),
  );
}

export const BLACKLISTED_PARTY_RULE: RuleDefinition = {
  id: 'BLACKLISTED_PARTY',
  evaluate: blacklistedParty,
  scope: manifestScope('BLACKLISTED_PARTY'),
};

export const CUMULATIVE_LOSS_RULE: RuleDefinition = {
  id: 'CUMULATIVE_LOSS',
  evaluate: cumulativeLoss,
  scope: (facts) =>
    (facts.pairLosses ?? []).map((p) =>
      scopeEntry('CUMULATIVE_LOSS', { type: 'ORGANISATION', id: p.consignorId }, p.consigneeId),
    ),
};
