/** Builders of facts for the reconciliation unit tests. Times are China-time strings unless noted. */
import type {
  CustodyEventFact,
  CustodyEventType,
  FactBatch,
  LotFacts,
  ManifestFacts,
  ManifestLineFact,
  ManifestStepFact,
  ManifestStepType,
  OrganisationFacts,
} from '../../../src/reconciliation/domain/facts';
import { CN_DEFAULT_PROFILE, type RuleProfile } from '../../../src/reconciliation/domain/rule-profile';

export const GEN = 'org-gen';
export const HOSPITAL = 'org-hospital';
export const CAR1 = 'org-car1';
export const CAR2 = 'org-car2';
export const COL = 'org-col';
export const STORE = 'org-store';
export const TRT = 'org-trt';
export const OTHER = 'org-other';

export const ORGS: OrganisationFacts[] = [
  { id: GEN, roles: ['GENERATOR'] },
  { id: HOSPITAL, roles: ['GENERATOR'] },
  { id: CAR1, roles: ['TRANSPORTER'] },
  { id: CAR2, roles: ['TRANSPORTER'] },
  { id: COL, roles: ['COLLECTOR'], licenceType: 'COLLECTION' },
  { id: STORE, roles: ['STORER'], licenceType: 'COMPREHENSIVE' },
  { id: TRT, roles: ['TREATER', 'TRANSPORTER'], licenceType: 'COMPREHENSIVE' },
  { id: OTHER, roles: ['GENERATOR'] },
];

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** `2025-10-01 08:00` China time → ISO string with +08:00. */
export const cst = (local: string): string => `${local.replace(' ', 'T')}:00+08:00`;
/** A Date `ms` after an instant. */
export const after = (t: string | Date, ms: number): Date => new Date(new Date(t).getTime() + ms);

export interface EventSpec {
  type: CustodyEventType;
  org: string;
  at: string | Date;
  to?: string;
  from?: string;
  id?: string;
  recordedAt?: string | Date;
  custodianBefore?: string | null;
  closesLot?: boolean;
  manifestId?: string;
}

export function lot(id: string, specs: EventSpec[], extra: Partial<Omit<LotFacts, 'id' | 'events'>> = {}): LotFacts {
  const events: CustodyEventFact[] = specs.map((s, i) => ({
    id: s.id ?? `${id}-e${i + 1}`,
    seq: i + 1,
    type: s.type,
    organisationId: s.org,
    counterpartyId: s.to ?? s.from ?? null,
    custodianBefore: s.custodianBefore,
    occurredAt: s.at,
    recordedAt: s.recordedAt ?? s.at,
    manifestId: s.manifestId ?? null,
    closesLot: s.closesLot,
  }));
  return {
    id,
    wasteCode: '900-249-08',
    medicalClass: null,
    generatorId: GEN,
    generatedAt: specs[0]?.at ?? cst('2025-01-01 08:00'),
    quantityGrams: 1_000_000,
    events,
    ...extra,
  };
}

/** A lot generated at `at` by GEN, handed to `to` and received by it `hoursLater`. */
export function handedLot(id: string, at: string, to: string, hoursLater = 1, extra: Partial<LotFacts> = {}): LotFacts {
  return lot(
    id,
    [
      { type: 'GENERATED', org: extra.generatorId ?? GEN, at },
      { type: 'HANDED_OVER', org: extra.generatorId ?? GEN, at: after(at, (hoursLater / 2) * HOUR), to },
      { type: 'RECEIVED', org: to, at: after(at, hoursLater * HOUR) },
    ],
    extra,
  );
}

export function step(
  type: ManifestStepType,
  org: string,
  at: string | Date,
  recordedAt: string | Date = at,
  id?: string,
): Omit<ManifestStepFact, 'seq'> & { seq?: number } {
  return {
    id: id ?? `${type.toLowerCase()}-${org}-${new Date(at).getTime()}`,
    type,
    organisationId: org,
    occurredAt: at,
    recordedAt,
  };
}

export function line(partial: Partial<ManifestLineFact> = {}): ManifestLineFact {
  return {
    lotId: 'lot-1',
    declaredCode: '900-249-08',
    declaredGrams: 1_000_000,
    declaredContainers: 5,
    receivedCode: null,
    receivedGrams: null,
    receivedContainers: null,
    decision: null,
    ...partial,
  };
}

export function manifest(
  id: string,
  steps: (Omit<ManifestStepFact, 'seq'> & { seq?: number })[],
  extra: Partial<Omit<ManifestFacts, 'id' | 'steps'>> = {},
): ManifestFacts {
  return {
    id,
    number: `20253715${id.replace(/\D/g, '').padStart(6, '0')}`,
    status: 'IN_TRANSIT',
    consignorId: GEN,
    consigneeId: TRT,
    carriers: [{ organisationId: CAR1, order: 1 }],
    submittedAt: cst('2025-09-01 08:00'),
    lines: [line()],
    ...extra,
    steps: steps.map((s, i) => ({ ...s, seq: s.seq ?? i + 1 })),
  };
}

export const profile: RuleProfile = CN_DEFAULT_PROFILE;

export function batch(b: FactBatch): FactBatch {
  return { organisations: ORGS, ...b };
}
