/**
 * ORPHAN_LOT: an open lot (not treated, disposed of, split or merged) that never left its
 * generator (no handover, no other holder) and has had no event for longer than the limit. The key
 * names the last event, so new activity clears it and a later silence is a new flag.
 * CLOCK_ANOMALY: an event whose occurredAt is later than its recordedAt by more than the skew
 * (dated in the future), or earlier than the previous plausible event's occurredAt by more than the
 * tolerance (out of order). A future-dated event is not used as "previous" for the next one.
 * CHAIN_TAMPERED: a failed hash-chain verification of a lot (input from the ledger verifier).
 */
import { replayCustody } from '../custody';
import { isMedicalLot, isoOf, toMs, type CustodyEventFact, type FactBatch } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { DAY_MS, HOUR_MS, hoursOf, lotScope, scopeEntry, type RuleDefinition } from './rule';

export function orphanLot(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.ORPHAN_LOT;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const lot of facts.lots ?? []) {
    const r = replayCustody(lot);
    if (r.closedBy) continue;
    if (r.handovers.length > 0 || r.periods.some((p) => p.holderId !== lot.generatorId)) continue;
    const last: CustodyEventFact | undefined = r.events[r.events.length - 1];
    const lastAt = last ? Math.max(...r.events.map((e) => toMs(e.occurredAt))) : toMs(lot.generatedAt);
    const medical = isMedicalLot(lot);
    const limitMs = medical ? t.medicalInactiveHours * HOUR_MS : t.hazardousInactiveDays * DAY_MS;
    const silent = now.getTime() - lastAt;
    if (silent <= limitMs) continue;
    out.push(
      makeFinding('ORPHAN_LOT', settings, {
        subject: { type: 'LOT', id: lot.id },
        qualifiers: [last?.id ?? 'none'],
        organisationIds: [lot.generatorId],
        message: `Lot ${lot.id}: generated ${isoOf(lot.generatedAt)}, never shipped nor treated, no event for ${Math.round((silent / DAY_MS) * 100) / 100} days.`,
        evidence: {
          generatorId: lot.generatorId,
          wasteCode: lot.wasteCode,
          medical,
          quantityGrams: lot.quantityGrams,
          generatedAt: isoOf(lot.generatedAt),
          lastEventId: last?.id ?? null,
          lastEventType: last?.type ?? null,
          lastActivityAt: isoOf(lastAt),
          silentHours: hoursOf(silent),
          limitHours: hoursOf(limitMs),
        },
      }),
    );
  }
  return out;
}

export function clockAnomaly(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.CLOCK_ANOMALY;
  const skewMs = settings.thresholds.futureSkewSeconds * 1000;
  const backMs = settings.thresholds.backwardToleranceSeconds * 1000;
  const out: Finding[] = [];
  for (const lot of facts.lots ?? []) {
    let previous: CustodyEventFact | null = null;
    for (const e of replayCustody(lot).events) {
      const occurred = toMs(e.occurredAt);
      const recorded = toMs(e.recordedAt);
      const base = {
        eventId: e.id,
        seq: e.seq,
        eventType: e.type,
        actorId: e.organisationId,
        occurredAt: isoOf(occurred),
        recordedAt: isoOf(recorded),
      };
      if (occurred - recorded > skewMs) {
        out.push(
          makeFinding('CLOCK_ANOMALY', settings, {
            subject: { type: 'LOT', id: lot.id },
            qualifiers: [e.id, 'future'],
            organisationIds: [e.organisationId],
            message: `Lot ${lot.id}: event #${e.seq} (${e.type}) is dated ${Math.round((occurred - recorded) / 1000)} s after the server recorded it.`,
            evidence: {
              kind: 'FUTURE',
              ...base,
              aheadSeconds: (occurred - recorded) / 1000,
              skewSeconds: skewMs / 1000,
            },
          }),
        );
        continue;
      }
      if (previous && occurred < toMs(previous.occurredAt) - backMs) {
        const behind = toMs(previous.occurredAt) - occurred;
        out.push(
          makeFinding('CLOCK_ANOMALY', settings, {
            subject: { type: 'LOT', id: lot.id },
            qualifiers: [e.id, 'backward'],
            organisationIds: [e.organisationId, previous.organisationId],
            message: `Lot ${lot.id}: event #${e.seq} (${e.type}) is dated ${behind / 1000} s before the event preceding it (#${previous.seq}).`,
            evidence: {
              kind: 'BACKWARD',
              ...base,
              previousEventId: previous.id,
              previousSeq: previous.seq,
              previousOccurredAt: isoOf(previous.occurredAt),
              behindSeconds: behind / 1000,
              toleranceSeconds: backMs / 1000,
            },
          }),
        );
        continue;
      }
      previous = e;
    }
  }
  return out;
}

export function chainTampered(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.CHAIN_TAMPERED;
  return (facts.chainVerifications ?? [])
    .filter((v) => !v.ok)
    .map((v) =>
      makeFinding('CHAIN_TAMPERED', settings, {
        subject: { type: 'LOT', id: v.lotId },
        organisationIds: v.partyIds,
        message: `Lot ${v.lotId}: the event chain does not verify${
          v.firstFailure ? ` from event #${v.firstFailure.seq} (${v.firstFailure.reason})` : ''
        }.`,
        evidence: {
          verifiedAt: isoOf(v.verifiedAt),
          firstFailure: v.firstFailure
            ? { seq: v.firstFailure.seq, eventId: v.firstFailure.eventId, reason: v.firstFailure.reason }
            : null,
          failureCount: v.failureCount,
        },
      }),
    );
}

export const ORPHAN_LOT_RULE: RuleDefinition = { id: 'ORPHAN_LOT', evaluate: orphanLot, scope: lotScope('ORPHAN_LOT') };

export const CLOCK_ANOMALY_RULE: RuleDefinition = {
  id: 'CLOCK_ANOMALY',
  evaluate: clockAnomaly,
  scope: lotScope('CLOCK_ANOMALY'),
};

export const CHAIN_TAMPERED_RULE: RuleDefinition = {
  id: 'CHAIN_TAMPERED',
  evaluate: chainTampered,
  scope: (facts) =>
    (facts.chainVerifications ?? []).map((v) => scopeEntry('CHAIN_TAMPERED', { type: 'LOT', id: v.lotId })),
};
