/**
 * STORAGE_LIMIT_EXCEEDED and TREATMENT_OVERDUE: clocks on each period during which one
 * organisation held a lot (derived from the custody replay, custody.ts).
 *
 * Storage bases (a period may have several; each is its own flag):
 * - MEDICAL_AT_PRODUCER: medical waste at its generator, from the first placement into storage
 *   (STORED) or else from generation; warn after 36 h, breach after 48 h (条例 Art 17).
 * - GENERATOR_ONE_YEAR: other hazardous waste at its generator, from generation (Shandong policy).
 * - OPERATOR_ONE_YEAR: non-medical waste at a collector, storer or treater, from receipt, unless an
 *   approved extension runs longer (固废法 Art 81).
 * - COLLECTION_ONWARD: at a collection-licence holder, 90 working days from receipt (许可证办法 Art 20).
 * Treatment bases, at an organisation with the TREATER role (not the lot's generator):
 * - MEDICAL (72 h) or MEDICAL_EPIDEMIC (12 h) from arrival; HAZARDOUS (90 working days) from receipt.
 *
 * A period still running is judged against `now` (WARN / BREACH); one that ended (handed on,
 * treated, split) clears the flag, and is reported under `…:late` if it ended after the limit.
 * Keys: STORAGE_LIMIT_EXCEEDED:LOT:<lot>:<periodStartEventId>:<basis>[:late];
 * TREATMENT_OVERDUE:LOT:<lot>:<periodStartEventId>[:late] (one basis per period; switching epidemic
 * mode on changes the limit, not the key).
 */
import { replayCustody, type HoldingPeriod } from '../custody';
import { isMedicalLot, isoOf, toMs, type FactBatch, type LotFacts, type OrganisationFacts } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleId, RuleProfile, RuleSettings, Severity } from '../rule-profile';
import { addWorkingDays } from '../working-days';
import { DAY_MS, HOUR_MS, hoursOf, limitState, lotScope, organisationsById, type RuleDefinition } from './rule';

interface Basis {
  basis: string;
  startAt: number;
  warnAt: number | null;
  limitAt: number;
  /** How the limit reads, for messages and evidence. */
  limit: { hours?: number; days?: number; workingDays?: number };
  legalRef: string;
  extensionUntil?: string | null;
}

const OPERATOR_ROLES = new Set(['COLLECTOR', 'STORER', 'TREATER']);

function storageBases(
  lot: LotFacts,
  p: HoldingPeriod,
  org: OrganisationFacts | undefined,
  profile: RuleProfile,
): Basis[] {
  const t = profile.rules.STORAGE_LIMIT_EXCEEDED.thresholds;
  const medical = isMedicalLot(lot);
  if (p.holderId === lot.generatorId) {
    if (medical) {
      const startAt = lot.holdingSince != null ? p.startAt : (p.storedAt[0] ?? p.startAt);
      return [
        {
          basis: 'MEDICAL_AT_PRODUCER',
          startAt,
          warnAt: startAt + t.medicalAtProducerWarnAfterHours * HOUR_MS,
          limitAt: startAt + t.medicalAtProducerHours * HOUR_MS,
          limit: { hours: t.medicalAtProducerHours },
          legalRef: '医疗废物管理条例 Art 17',
        },
      ];
    }
    return [
      {
        basis: 'GENERATOR_ONE_YEAR',
        startAt: p.startAt,
        warnAt: p.startAt + t.generatorWarnAfterDays * DAY_MS,
        limitAt: p.startAt + t.generatorDays * DAY_MS,
        limit: { days: t.generatorDays },
        legalRef: 'Shandong 2018 policy (key-monitoring list)',
      },
    ];
  }
  const bases: Basis[] = [];
  if (!org || !org.roles.some((r) => OPERATOR_ROLES.has(r))) return bases;
  if (!medical) {
    const extension = lot.storageExtensionUntil != null ? toMs(lot.storageExtensionUntil) : null;
    const limitAt = p.startAt + t.operatorDays * DAY_MS;
    const extended = extension !== null && extension > limitAt;
    bases.push({
      basis: 'OPERATOR_ONE_YEAR',
      startAt: p.startAt,
      warnAt: extended ? null : p.startAt + t.operatorWarnAfterDays * DAY_MS,
      limitAt: extended ? extension : limitAt,
      limit: { days: t.operatorDays },
      legalRef: '固废法 Art 81',
      extensionUntil: extension === null ? null : isoOf(extension),
    });
  }
  if (org.licenceType === 'COLLECTION') {
    bases.push({
      basis: 'COLLECTION_ONWARD',
      startAt: p.startAt,
      warnAt: null,
      limitAt: addWorkingDays(new Date(p.startAt), t.collectionLicenceWorkingDays).getTime(),
      limit: { workingDays: t.collectionLicenceWorkingDays },
      legalRef: '危险废物经营许可证管理办法 Art 20',
    });
  }
  return bases;
}

function treatmentBases(
  lot: LotFacts,
  p: HoldingPeriod,
  org: OrganisationFacts | undefined,
  profile: RuleProfile,
): Basis[] {
  const t = profile.rules.TREATMENT_OVERDUE.thresholds;
  if (p.holderId === lot.generatorId || !org?.roles.includes('TREATER')) return [];
  if (isMedicalLot(lot)) {
    const hours = lot.epidemicMode ? t.medicalEpidemicHours : t.medicalHours;
    return [
      {
        basis: lot.epidemicMode ? 'MEDICAL_EPIDEMIC' : 'MEDICAL',
        startAt: p.startAt,
        warnAt: null,
        limitAt: p.startAt + hours * HOUR_MS,
        limit: { hours },
        legalRef: lot.epidemicMode ? '山东省医疗废物管理办法 Art 13' : 'GB 39707-2020',
      },
    ];
  }
  return [
    {
      basis: 'HAZARDOUS',
      startAt: p.startAt,
      warnAt: null,
      limitAt: addWorkingDays(new Date(p.startAt), t.hazardousWorkingDays).getTime(),
      limit: { workingDays: t.hazardousWorkingDays },
      legalRef: 'policy (no legal limit)',
    },
  ];
}

function describeElapsed(ms: number, l: Basis['limit']): string {
  return l.hours !== undefined ? `${hoursOf(ms)} h` : `${Math.round((ms / DAY_MS) * 100) / 100} days`;
}

function describeLimit(l: Basis['limit']): string {
  if (l.hours !== undefined) return `${l.hours} h`;
  if (l.days !== undefined) return `${l.days} days`;
  return `${l.workingDays} working days`;
}

function holdingFindings(
  ruleId: RuleId,
  settings: RuleSettings<{ reportLate: boolean }>,
  facts: FactBatch,
  now: Date,
  basesOf: (lot: LotFacts, p: HoldingPeriod, org: OrganisationFacts | undefined) => Basis[],
  verb: string,
  /** Whether the basis is part of the key (several bases per period), or only in the evidence. */
  basisInKey: boolean,
): Finding[] {
  const orgs = organisationsById(facts);
  const out: Finding[] = [];
  for (const lot of facts.lots ?? []) {
    for (const p of replayCustody(lot).periods) {
      for (const b of basesOf(lot, p, orgs.get(p.holderId))) {
        const state = limitState(p.endAt, b.warnAt, b.limitAt, now.getTime());
        if (state === 'OK' || (state === 'LATE' && !settings.thresholds.reportLate)) continue;
        const severity: Severity = state === 'WARN' ? (settings.warningSeverity ?? 'WARNING') : settings.severity;
        const elapsed = (p.endAt ?? now.getTime()) - b.startAt;
        const limitText = describeLimit(b.limit);
        const status = state === 'WARN' ? 'APPROACHING_LIMIT' : state === 'BREACH' ? 'EXCEEDED' : 'ENDED_LATE';
        out.push(
          makeFinding(ruleId, settings, {
            subject: { type: 'LOT', id: lot.id },
            qualifiers: [p.startEventId, ...(basisInKey ? [b.basis] : []), ...(state === 'LATE' ? ['late'] : [])],
            severity,
            organisationIds: [p.holderId],
            message:
              state === 'LATE'
                ? `Lot ${lot.id}: held by ${p.holderId} for ${describeElapsed(elapsed, b.limit)} before it was ${p.endedBy === 'CLOSE' ? 'treated or closed' : 'handed on'} (limit ${limitText}, ${b.legalRef}).`
                : `Lot ${lot.id}: ${verb} by ${p.holderId} for ${describeElapsed(elapsed, b.limit)} (${state === 'WARN' ? 'approaching the' : 'over the'} limit of ${limitText}, ${b.legalRef}).`,
            evidence: {
              status,
              basis: b.basis,
              legalRef: b.legalRef,
              holderId: p.holderId,
              wasteCode: lot.wasteCode,
              medicalClass: lot.medicalClass,
              quantityGrams: lot.quantityGrams,
              periodStartEventId: p.startEventId,
              startedAt: isoOf(b.startAt),
              warnAfter: b.warnAt === null ? null : isoOf(b.warnAt),
              deadline: isoOf(b.limitAt),
              limitHours: b.limit.hours ?? null,
              limitDays: b.limit.days ?? null,
              limitWorkingDays: b.limit.workingDays ?? null,
              extensionUntil: b.extensionUntil ?? null,
              elapsedHours: hoursOf(elapsed),
              endedAt: p.endAt === null ? null : isoOf(p.endAt),
              endEventId: p.endEventId,
            },
          }),
        );
      }
    }
  }
  return out;
}

export function storageLimitExceeded(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  return holdingFindings(
    'STORAGE_LIMIT_EXCEEDED',
    profile.rules.STORAGE_LIMIT_EXCEEDED,
    facts,
    now,
    (lot, p, org) => storageBases(lot, p, org, profile),
    'stored',
    true,
  );
}

export function treatmentOverdue(facts: FactBatch, profile: RuleProfile, now: Date): Finding[] {
  return holdingFindings(
    'TREATMENT_OVERDUE',
    profile.rules.TREATMENT_OVERDUE,
    facts,
    now,
    (lot, p, org) => treatmentBases(lot, p, org, profile),
    'awaiting treatment',
    false,
  );
}

export const STORAGE_LIMIT_EXCEEDED_RULE: RuleDefinition = {
  id: 'STORAGE_LIMIT_EXCEEDED',
  evaluate: storageLimitExceeded,
  scope: lotScope('STORAGE_LIMIT_EXCEEDED'),
};

export const TREATMENT_OVERDUE_RULE: RuleDefinition = {
  id: 'TREATMENT_OVERDUE',
  evaluate: treatmentOverdue,
  scope: lotScope('TREATMENT_OVERDUE'),
};
