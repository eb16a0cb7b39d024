/**
 * UNCONFIRMED_HANDOVER: a lot handed over (HANDED_OVER) that the receiving party has neither
 * accepted (RECEIVED) nor declined (REJECTED) within the limit. Measured on occurredAt of both
 * events (the physical handover, which an offline driver may record later).
 */
import { replayCustody } from '../custody';
import { isoOf, toMs, type FactBatch } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { HOUR_MS, hoursOf, limitState, lotScope, type RuleDefinition } from './rule';

export function unconfirmedHandover(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.UNCONFIRMED_HANDOVER;
  const { confirmWithinHours, reportLate } = settings.thresholds;
  const out: Finding[] = [];
  for (const lot of facts.lots ?? []) {
    for (const h of replayCustody(lot).handovers) {
      const kind = h.resolution?.kind;
      if (kind === 'SUPERSEDED' || kind === 'LOT_CLOSED') continue;
      const releasedAt = toMs(h.release.occurredAt);
      const limitAt = releasedAt + confirmWithinHours * HOUR_MS;
      const endAt = h.resolution ? toMs(h.resolution.event.occurredAt) : null;
      const state = limitState(endAt, null, limitAt, now.getTime());
      if (state === 'OK' || state === 'WARN' || (state === 'LATE' && !reportLate)) continue;
      const elapsed = (endAt ?? now.getTime()) - releasedAt;
      out.push(
        makeFinding('UNCONFIRMED_HANDOVER', settings, {
          subject: { type: 'LOT', id: lot.id },
          qualifiers: state === 'LATE' ? [h.release.id, 'late'] : [h.release.id],
          organisationIds: [h.fromId, h.toId],
          message:
            state === 'LATE'
              ? `Lot ${lot.id}: handover ${kind === 'DECLINED' ? 'declined' : 'confirmed'} ${hoursOf(elapsed)} h after it was made (limit ${confirmWithinHours} h).`
              : `Lot ${lot.id}: handed over ${hoursOf(elapsed)} h ago and not confirmed by the receiving party (limit ${confirmWithinHours} h).`,
          evidence: {
            status: state === 'LATE' ? 'CONFIRMED_LATE' : 'PENDING',
            handoverEventId: h.release.id,
            fromId: h.fromId,
            toId: h.toId,
            handedOverAt: isoOf(releasedAt),
            deadline: isoOf(limitAt),
            limitHours: confirmWithinHours,
            elapsedHours: hoursOf(elapsed),
            confirmationEventId: h.resolution?.event.id ?? null,
            confirmation: kind ?? null,
            confirmedAt: endAt === null ? null : isoOf(endAt),
            manifestId: h.release.manifestId ?? null,
          },
        }),
      );
    }
  }
  return out;
}

export const UNCONFIRMED_HANDOVER_RULE: RuleDefinition = {
  id: 'UNCONFIRMED_HANDOVER',
  evaluate: unconfirmedHandover,
  scope: lotScope('UNCONFIRMED_HANDOVER'),
};
