/**
 * MASS_BALANCE:
 * - per lot lineage: for each split or merge, Σ outputs against Σ inputs, beyond
 *   max(min grams, bp × Σ inputs);
 * - per facility × waste code × month: opening + received + generated − treated − sent on −
 *   closing (i.e. received − treated − sent on − Δ storage, plus own generation) against
 *   max(min grams, bp × (opening + received + generated)).
 */
import { isoOf, type FactBatch } from '../facts';
import { facilityPeriodId, makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { beyondTolerance, lotScope, scopeEntry, type RuleDefinition } from './rule';

const sum = (xs: { grams: number }[]): number => xs.reduce((a, x) => a + x.grams, 0);

export function massBalance(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.MASS_BALANCE;
  const t = settings.thresholds;
  const out: Finding[] = [];
  for (const lot of facts.lots ?? []) {
    for (const l of lot.lineage ?? []) {
      const inGrams = sum(l.inputs);
      const outGrams = sum(l.outputs);
      const diff = outGrams - inGrams;
      if (!beyondTolerance(diff, inGrams, t.lineageToleranceBasisPoints, t.lineageToleranceMinGrams)) continue;
      out.push(
        makeFinding('MASS_BALANCE', settings, {
          subject: { type: 'LOT', id: lot.id },
          qualifiers: [l.eventId],
          organisationIds: [lot.events.find((e) => e.id === l.eventId)?.organisationId ?? lot.generatorId],
          message: `Lot ${lot.id}: ${l.operation.toLowerCase()} produced ${outGrams} g from ${inGrams} g (${diff > 0 ? '+' : ''}${diff} g).`,
          evidence: {
            scope: 'LINEAGE',
            operation: l.operation,
            eventId: l.eventId,
            occurredAt: isoOf(l.occurredAt),
            inputs: l.inputs.map((x) => ({ lotId: x.lotId, grams: x.grams })),
            outputs: l.outputs.map((x) => ({ lotId: x.lotId, grams: x.grams })),
            inputGrams: inGrams,
            outputGrams: outGrams,
            differenceGrams: diff,
            toleranceBasisPoints: t.lineageToleranceBasisPoints,
            toleranceMinGrams: t.lineageToleranceMinGrams,
          },
        }),
      );
    }
  }
  for (const f of facts.facilityMonths ?? []) {
    const inflow = f.openingStockGrams + f.receivedGrams + f.generatedGrams;
    const residual = inflow - f.treatedGrams - f.sentOnGrams - f.closingStockGrams;
    if (!beyondTolerance(residual, inflow, t.facilityToleranceBasisPoints, t.facilityToleranceMinGrams)) continue;
    out.push(
      makeFinding('MASS_BALANCE', settings, {
        subject: { type: 'FACILITY_PERIOD', id: facilityPeriodId(f.facilityId, f.month) },
        qualifiers: [f.wasteCode],
        organisationIds: [f.facilityId],
        message: `Facility ${f.facilityId}, ${f.wasteCode}, ${f.month}: ${Math.abs(residual)} g ${
          residual > 0 ? 'unaccounted for' : 'more went out or stayed than came in'
        } (received − treated − sent on − change in storage).`,
        evidence: {
          scope: 'FACILITY_MONTH',
          facilityId: f.facilityId,
          month: f.month,
          wasteCode: f.wasteCode,
          openingStockGrams: f.openingStockGrams,
          receivedGrams: f.receivedGrams,
          generatedGrams: f.generatedGrams,
          treatedGrams: f.treatedGrams,
          sentOnGrams: f.sentOnGrams,
          closingStockGrams: f.closingStockGrams,
          residualGrams: residual,
          toleranceBasisPoints: t.facilityToleranceBasisPoints,
          toleranceMinGrams: t.facilityToleranceMinGrams,
        },
      }),
    );
  }
  return out;
}

export const MASS_BALANCE_RULE: RuleDefinition = {
  id: 'MASS_BALANCE',
  evaluate: massBalance,
  scope: (facts) => [
    ...lotScope('MASS_BALANCE')(facts),
    ...(facts.facilityMonths ?? []).map((f) =>
      scopeEntry('MASS_BALANCE', { type: 'FACILITY_PERIOD', id: facilityPeriodId(f.facilityId, f.month) }, f.wasteCode),
    ),
  ],
};
