/**
 * TRANSIT_OVERDUE: from the first carrier's pickup to the consignee's delivery confirmation.
 * RECEIPT_CONFIRMATION_OVERDUE: the consignee confirms receipt in the system within N working days
 * of delivery (转移办法 Art 18(1)): the clock starts at the DELIVER step's occurredAt and stops at
 * the RECEIVE step's recordedAt (server time: the duty is to confirm *in the system*), or its
 * occurredAt when the step is device-signed (the consignee's device attested the confirmation
 * time, e.g. signed offline and synced later). The deadline
 * is addWorkingDays(deliveredAt, N) — see working-days.ts.
 * Both clear when the awaited step is recorded; a step recorded after the deadline is reported
 * under a separate `…:late` key when the profile says so.
 */
import { isMedicalManifest, isoOf, toMs, type FactBatch } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { addWorkingDays, workingDaysBetween } from '../working-days';
import { HOUR_MS, carrierIds, firstStep, hoursOf, limitState, manifestScope, type RuleDefinition } from './rule';

export function transitOverdue(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.TRANSIT_OVERDUE;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const m of facts.manifests ?? []) {
    if (m.status === 'CANCELLED') continue;
    const pickup = firstStep(m, 'PICKUP');
    if (!pickup) continue;
    const deliver = firstStep(m, 'DELIVER');
    const medical = isMedicalManifest(m);
    const limitHours = medical ? t.medicalHours : t.hazardousHours;
    const startAt = toMs(pickup.occurredAt);
    const limitAt = startAt + limitHours * HOUR_MS;
    const endAt = deliver ? toMs(deliver.occurredAt) : null;
    const state = limitState(endAt, null, limitAt, now.getTime());
    if (state === 'OK' || state === 'WARN' || (state === 'LATE' && !t.reportLate)) continue;
    const elapsed = (endAt ?? now.getTime()) - startAt;
    out.push(
      makeFinding('TRANSIT_OVERDUE', settings, {
        subject: { type: 'MANIFEST', id: m.id },
        qualifiers: state === 'LATE' ? ['late'] : [],
        organisationIds: [...carrierIds(m), m.consignorId, m.consigneeId],
        message:
          state === 'LATE'
            ? `Manifest ${m.number}: delivered ${hoursOf(elapsed)} h after pickup (limit ${limitHours} h).`
            : `Manifest ${m.number}: in transit for ${hoursOf(elapsed)} h since pickup (limit ${limitHours} h).`,
        evidence: {
          status: state === 'LATE' ? 'DELIVERED_LATE' : 'IN_TRANSIT',
          manifestNumber: m.number,
          manifestStatus: m.status,
          medical,
          pickupStepId: pickup.id,
          pickedUpAt: isoOf(startAt),
          deliverStepId: deliver?.id ?? null,
          deliveredAt: endAt === null ? null : isoOf(endAt),
          deadline: isoOf(limitAt),
          limitHours,
          elapsedHours: hoursOf(elapsed),
          carrierIds: carrierIds(m),
        },
      }),
    );
  }
  return out;
}

export function receiptConfirmationOverdue(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  const settings = profile.rules.RECEIPT_CONFIRMATION_OVERDUE;
  const { workingDays, reportLate } = settings.thresholds;
  const out: Finding[] = [];
  for (const m of facts.manifests ?? []) {
    if (m.status === 'CANCELLED') continue;
    const deliver = firstStep(m, 'DELIVER');
    if (!deliver) continue;
    const receive = firstStep(m, 'RECEIVE');
    const deliveredAt = new Date(toMs(deliver.occurredAt));
    const deadline = addWorkingDays(deliveredAt, workingDays);
    // Confirmation is when the system got it — or, for a device-signed step, the signed time.
    const confirmedAt = receive ? toMs(receive.deviceSigned ? receive.occurredAt : receive.recordedAt) : null;
    const state = limitState(confirmedAt, null, deadline.getTime(), now.getTime());
    if (state === 'OK' || state === 'WARN' || (state === 'LATE' && !reportLate)) continue;
    const until = new Date(confirmedAt ?? now.getTime());
    const elapsedWorkingDays = workingDaysBetween(deliveredAt, until);
    out.push(
      makeFinding('RECEIPT_CONFIRMATION_OVERDUE', settings, {
        subject: { type: 'MANIFEST', id: m.id },
        qualifiers: state === 'LATE' ? ['late'] : [],
        organisationIds: [m.consigneeId, m.consignorId],
        message:
          state === 'LATE'
            ? `Manifest ${m.number}: receipt confirmed after the deadline of ${workingDays} working days (deadline ${isoOf(deadline)}, confirmed ${isoOf(until)}).`
            : `Manifest ${m.number}: delivered ${isoOf(deliveredAt)}, receipt not confirmed within ${workingDays} working days (deadline ${isoOf(deadline)}).`,
        evidence: {
          status: state === 'LATE' ? 'CONFIRMED_LATE' : 'UNCONFIRMED',
          manifestNumber: m.number,
          manifestStatus: m.status,
          consigneeId: m.consigneeId,
          deliverStepId: deliver.id,
          deliveredAt: isoOf(deliveredAt),
          deadline: isoOf(deadline),
          limitWorkingDays: workingDays,
          workingDaysElapsed: elapsedWorkingDays,
          receiveStepId: receive?.id ?? null,
          confirmedAt: confirmedAt === null ? null : isoOf(confirmedAt),
        },
      }),
    );
  }
  return out;
}

export const TRANSIT_OVERDUE_RULE: RuleDefinition = {
  id: 'TRANSIT_OVERDUE',
  evaluate: transitOverdue,
  scope: manifestScope('TRANSIT_OVERDUE'),
};

export const RECEIPT_CONFIRMATION_OVERDUE_RULE: RuleDefinition = {
  id: 'RECEIPT_CONFIRMATION_OVERDUE',
  evaluate: receiptConfirmationOverdue,
  scope: manifestScope('RECEIPT_CONFIRMATION_OVERDUE'),
};
