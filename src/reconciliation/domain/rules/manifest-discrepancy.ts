/**
 * QUANTITY_DISCREPANCY and TYPE_DISCREPANCY: what the consignee received against what the manifest
 * declared, per line (转移办法 Art 18(2)). Weight beyond the tolerance (strictly greater), any
 * container-count difference beyond its tolerance, any code difference.
 */
import { isMedicalManifest, sameCode, type FactBatch, type ManifestFacts, type ManifestLineFact } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile } from '../rule-profile';
import { beyondTolerance, carrierIds, manifestScope, partiesOf, type RuleDefinition } from './rule';

function lineEvidence(m: ManifestFacts, l: ManifestLineFact) {
  return {
    manifestNumber: m.number,
    lotId: l.lotId,
    decision: l.decision,
    discrepancyRecorded: l.discrepancyRecorded ?? false,
    consignorId: m.consignorId,
    consigneeId: m.consigneeId,
    carrierIds: carrierIds(m),
    medical: isMedicalManifest(m),
  };
}

export function quantityDiscrepancy(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.QUANTITY_DISCREPANCY;
  const { weightToleranceBasisPoints, containerCountTolerance } = settings.thresholds;
  const out: Finding[] = [];
  for (const m of facts.manifests ?? []) {
    for (const l of m.lines) {
      if (l.receivedGrams !== null) {
        const diff = l.receivedGrams - l.declaredGrams;
        if (beyondTolerance(diff, l.declaredGrams, weightToleranceBasisPoints)) {
          const percent = l.declaredGrams > 0 ? Math.round((diff / l.declaredGrams) * 10_000) / 100 : null;
          out.push(
            makeFinding('QUANTITY_DISCREPANCY', settings, {
              subject: { type: 'MANIFEST', id: m.id },
              qualifiers: [l.lotId, 'weight'],
              organisationIds: partiesOf(m),
              message: `Manifest ${m.number}, lot ${l.lotId}: received ${l.receivedGrams} g against ${l.declaredGrams} g declared (${percent === null ? 'nothing declared' : `${percent > 0 ? '+' : ''}${percent} %`}; tolerance ±${weightToleranceBasisPoints / 100} %).`,
              evidence: {
                ...lineEvidence(m, l),
                measure: 'WEIGHT',
                declaredGrams: l.declaredGrams,
                receivedGrams: l.receivedGrams,
                differenceGrams: diff,
                differencePercent: percent,
                toleranceBasisPoints: weightToleranceBasisPoints,
              },
            }),
          );
        }
      }
      if (l.receivedContainers !== null && l.declaredContainers !== null) {
        const diff = l.receivedContainers - l.declaredContainers;
        if (Math.abs(diff) > containerCountTolerance) {
          out.push(
            makeFinding('QUANTITY_DISCREPANCY', settings, {
              subject: { type: 'MANIFEST', id: m.id },
              qualifiers: [l.lotId, 'containers'],
              organisationIds: partiesOf(m),
              message: `Manifest ${m.number}, lot ${l.lotId}: received ${l.receivedContainers} containers against ${l.declaredContainers} declared.`,
              evidence: {
                ...lineEvidence(m, l),
                measure: 'CONTAINERS',
                declaredContainers: l.declaredContainers,
                receivedContainers: l.receivedContainers,
                differenceContainers: diff,
                toleranceContainers: containerCountTolerance,
              },
            }),
          );
        }
      }
    }
  }
  return out;
}

export function typeDiscrepancy(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.TYPE_DISCREPANCY;
  const out: Finding[] = [];
  for (const m of facts.manifests ?? []) {
    for (const l of m.lines) {
      if (l.receivedCode === null || sameCode(l.receivedCode, l.declaredCode)) continue;
      out.push(
        makeFinding('TYPE_DISCREPANCY', settings, {
          subject: { type: 'MANIFEST', id: m.id },
          qualifiers: [l.lotId],
          organisationIds: partiesOf(m),
          message: `Manifest ${m.number}, lot ${l.lotId}: received as ${l.receivedCode}, declared as ${l.declaredCode}.`,
          evidence: { ...lineEvidence(m, l), declaredCode: l.declaredCode, receivedCode: l.receivedCode },
        }),
      );
    }
  }
  return out;
}

export const QUANTITY_DISCREPANCY_RULE: RuleDefinition = {
  id: 'QUANTITY_DISCREPANCY',
  evaluate: quantityDiscrepancy,
  scope: manifestScope('QUANTITY_DISCREPANCY'),
};

export const TYPE_DISCREPANCY_RULE: RuleDefinition = {
  id: 'TYPE_DISCREPANCY',
  evaluate: typeDiscrepancy,
  scope: manifestScope('TYPE_DISCREPANCY'),
};
