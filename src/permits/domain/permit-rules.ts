import { OperationMode } from '../../catalogue/domain/operation';
import type { FieldError } from '../../common/problem/domain-errors';
import { addYears } from '../../common/time/china-date';

export enum PermitKind {
  /** 危险废物综合经营许可证 (collection–storage–utilisation/disposal). */
  HW_OPERATING_COMPREHENSIVE = 'HW_OPERATING_COMPREHENSIVE',
  /** 危险废物收集经营许可证. */
  HW_OPERATING_COLLECTION = 'HW_OPERATING_COLLECTION',
  /** 道路危险货物运输许可 (road dangerous-goods transport). */
  ROAD_DANGEROUS_GOODS_TRANSPORT = 'ROAD_DANGEROUS_GOODS_TRANSPORT',
  /** HW operating licence of a medical-waste centralised disposer (issued by the city EEB, 许可证办法 Art 7). */
  MEDICAL_WASTE_DISPOSAL = 'MEDICAL_WASTE_DISPOSAL',
}

/** Kinds that one legal regime governs together (the re-entry bar applies within a family). */
export enum PermitFamily {
  HW_OPERATING = 'HW_OPERATING',
  DANGEROUS_GOODS_TRANSPORT = 'DANGEROUS_GOODS_TRANSPORT',
}

export const FAMILY_OF: Record<PermitKind, PermitFamily> = {
  [PermitKind.HW_OPERATING_COMPREHENSIVE]: PermitFamily.HW_OPERATING,
  [PermitKind.HW_OPERATING_COLLECTION]: PermitFamily.HW_OPERATING,
  [PermitKind.MEDICAL_WASTE_DISPOSAL]: PermitFamily.HW_OPERATING,
  [PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT]: PermitFamily.DANGEROUS_GOODS_TRANSPORT,
};

/** Whether blacklisting (credit grade BLACK) only warns or refuses: a policy choice, not statute (rules.md §6). */
export type BlacklistPolicy = 'WARN' | 'REFUSE';

/**
 * The licence rules of a regime, as data with their sources (rules.md §5, §6, §8 rows 16–20, 41).
 * A later regime or revision is a new profile, not a code change.
 */
export interface PermitRuleProfile {
  id: string;
  effectiveFrom: string;
  /** Warn when the calendar-year quantity reaches this percentage of the annual capacity (§8 row 17). */
  capacityWarnPercent: number;
  /** Refuse above this percentage: the re-application trigger of 许可证办法 Art 12(4). */
  capacityRefusePercent: number;
  /** Years a revoked licence bars a new one of the same family for the legal entity (Art 29); absent = no bar. */
  reentryBarYears: Partial<Record<PermitFamily, number>>;
  /** Statutory maximum validity (Art 13). */
  maxValidityYears: Partial<Record<PermitKind, number>>;
  /** Operation modes each kind may carry. */
  allowedModes: Record<PermitKind, readonly OperationMode[]>;
  /** Kinds that must state an annual capacity (年经营规模, Art 10). */
  capacityRequired: readonly PermitKind[];
  /** Kinds that must state their facility address (Art 10, comprehensive licences). */
  facilityAddressRequired: readonly PermitKind[];
  /**
   * The only codes a collection licence may cover (Art 3: vehicle-repair waste mineral oil and household
   * Ni-Cd batteries), unless it is a small-enterprise collection pilot licence (环办固体函〔2022〕66号).
   */
  collectionLicenceCodes: readonly string[];
  blacklist: BlacklistPolicy;
}

export const CN_PERMIT_RULES: PermitRuleProfile = {
  id: 'CN-PERMITS-2016',
  effectiveFrom: '2016-02-06',
  capacityWarnPercent: 100,
  capacityRefusePercent: 120,
  reentryBarYears: { [PermitFamily.HW_OPERATING]: 5 },
  maxValidityYears: {
    [PermitKind.HW_OPERATING_COMPREHENSIVE]: 5,
    [PermitKind.MEDICAL_WASTE_DISPOSAL]: 5,
    [PermitKind.HW_OPERATING_COLLECTION]: 3,
  },
  allowedModes: {
    [PermitKind.HW_OPERATING_COMPREHENSIVE]: [
      OperationMode.COLLECTION,
      OperationMode.STORAGE,
      OperationMode.UTILISATION,
      OperationMode.DISPOSAL,
    ],
    [PermitKind.HW_OPERATING_COLLECTION]: [OperationMode.COLLECTION, OperationMode.STORAGE],
    [PermitKind.MEDICAL_WASTE_DISPOSAL]: [OperationMode.COLLECTION, OperationMode.STORAGE, OperationMode.DISPOSAL],
    [PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT]: [OperationMode.TRANSPORT],
  },
  capacityRequired: [
    PermitKind.HW_OPERATING_COMPREHENSIVE,
    PermitKind.HW_OPERATING_COLLECTION,
    PermitKind.MEDICAL_WASTE_DISPOSAL,
  ],
  facilityAddressRequired: [PermitKind.HW_OPERATING_COMPREHENSIVE, PermitKind.MEDICAL_WASTE_DISPOSAL],
  // 900-214-08: vehicle/ship/machinery repair waste oils; 900-044-49: discarded Ni-Cd batteries (with phosphors and CRTs).
  collectionLicenceCodes: ['900-214-08', '900-044-49'],
  blacklist: 'WARN',
};

/** HWnn of a code: its last two digits (true for every listed code and for 900-000-XX). */
export const categoryOfCode = (code: string) => `HW${code.slice(-2)}`;

export const MEDICAL_CATEGORY = 'HW01';

export interface PermitDraft {
  kind: PermitKind;
  operationModes: readonly OperationMode[];
  wasteCodes: readonly string[];
  wasteCategories: readonly string[];
  annualCapacityGrams: bigint | null;
  facilityAddress: string | null;
  validFrom: string;
  validTo: string;
  dedicatedMedicalWaste: boolean;
  collectionPilot: boolean;
}

export interface CatalogueLookup {
  /** A listed code (any loaded edition) or a valid 900-000-XX. */
  isKnownCode(code: string): boolean;
  isKnownCategory(category: string): boolean;
}

/** Every reason the draft is not a permit that can exist under the profile (empty when it is). */
export function validatePermitDraft(
  d: PermitDraft,
  profile: PermitRuleProfile,
  catalogue: CatalogueLookup,
): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, code: string, message: string) => errors.push({ field, code, message });

  if (d.validTo < d.validFrom) add('validTo', 'validity-order', 'validTo must not be before validFrom');
  const maxYears = profile.maxValidityYears[d.kind];
  if (maxYears !== undefined && d.validTo > addYears(d.validFrom, maxYears)) {
    add('validTo', 'validity-too-long', `a ${d.kind} licence is valid for at most ${maxYears} years`);
  }

  if (d.wasteCodes.length === 0 && d.wasteCategories.length === 0) {
    add('wasteCodes', 'empty-scope', 'list the waste codes and/or categories the permit covers');
  }
  d.wasteCodes.forEach((code, i) => {
    if (!catalogue.isKnownCode(code))
      add(`wasteCodes.${i}`, 'unknown-waste-code', `${code} is not a listed waste code`);
  });
  d.wasteCategories.forEach((category, i) => {
    if (!catalogue.isKnownCategory(category)) {
      add(`wasteCategories.${i}`, 'unknown-category', `${category} is not a waste category`);
    }
  });

  const allowed = profile.allowedModes[d.kind];
  if (d.operationModes.length === 0) add('operationModes', 'no-operation-mode', 'give at least one operation mode');
  for (const mode of d.operationModes) {
    if (!allowed.includes(mode)) {
      add('operationModes', 'operation-mode-not-allowed', `a ${d.kind} permit may cover only ${allowed.join(', ')}`);
    }
  }

  if (profile.capacityRequired.includes(d.kind) && d.annualCapacityGrams === null) {
    add('annualCapacityTonnes', 'capacity-required', `a ${d.kind} licence states its annual capacity (年经营规模)`);
  }
  if (d.annualCapacityGrams !== null && d.annualCapacityGrams <= 0n) {
    add('annualCapacityTonnes', 'capacity-not-positive', 'annualCapacityTonnes must be greater than zero');
  }
  if (profile.facilityAddressRequired.includes(d.kind) && !d.facilityAddress) {
    add('facilityAddress', 'facility-address-required', `a ${d.kind} licence states its facility address`);
  }

  if (d.collectionPilot && d.kind !== PermitKind.HW_OPERATING_COLLECTION) {
    add('collectionPilot', 'not-a-collection-licence', 'collectionPilot applies to collection licences only');
  }
  if (d.kind === PermitKind.HW_OPERATING_COLLECTION && !d.collectionPilot) {
    const outside = d.wasteCodes.filter((c) => !profile.collectionLicenceCodes.includes(c));
    if (outside.length > 0 || d.wasteCategories.length > 0) {
      add(
        'wasteCodes',
        'collection-licence-scope',
        `a collection licence covers only ${profile.collectionLicenceCodes.join(' and ')} (许可证办法 Art 3) unless it is a pilot collection licence`,
      );
    }
  }

  const scopeCategories = [...d.wasteCodes.map(categoryOfCode), ...d.wasteCategories];
  if (d.kind === PermitKind.MEDICAL_WASTE_DISPOSAL && scopeCategories.some((c) => c !== MEDICAL_CATEGORY)) {
    add('wasteCodes', 'medical-scope', 'a medical-waste disposal licence covers HW01 medical waste only');
  }
  if (d.dedicatedMedicalWaste && d.kind !== PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT) {
    add('dedicatedMedicalWaste', 'not-a-transport-permit', 'dedicatedMedicalWaste applies to transport permits only');
  }
  if (d.kind === PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT) {
    const medical = scopeCategories.some((c) => c === MEDICAL_CATEGORY);
    if (medical && !d.dedicatedMedicalWaste) {
      add(
        'dedicatedMedicalWaste',
        'dedicated-medical-vehicle',
        'medical waste travels only in dedicated vehicles (医疗废物管理条例 Art 26): set dedicatedMedicalWaste',
      );
    }
    if (d.dedicatedMedicalWaste && scopeCategories.some((c) => c !== MEDICAL_CATEGORY)) {
      add(
        'wasteCodes',
        'dedicated-medical-vehicle',
        'dedicated medical-waste vehicles carry nothing else: the scope must be HW01 only',
      );
    }
  }
  return errors;
}

export interface Revocation {
  permitId: string;
  kind: PermitKind;
  /** China date of the revocation. */
  revokedOn: string;
}

export interface ReentryBar {
  permitId: string;
  revokedOn: string;
  /** First date on which a new licence may be recorded. */
  barredUntil: string;
}

/**
 * 许可证办法 Art 29: a legal entity whose licence was revoked may not obtain another of the same
 * family for the profile's number of years from the revocation. Returns the bar that applies on
 * `today`, the longest if several do.
 */
export function reentryBar(
  revocations: readonly Revocation[],
  kind: PermitKind,
  today: string,
  profile: PermitRuleProfile,
): ReentryBar | null {
  const family = FAMILY_OF[kind];
  const years = profile.reentryBarYears[family];
  if (years === undefined) return null;
  let bar: ReentryBar | null = null;
  for (const r of revocations) {
    if (FAMILY_OF[r.kind] !== family) continue;
    const barredUntil = addYears(r.revokedOn, years);
    if (today >= barredUntil) continue;
    if (!bar || barredUntil > bar.barredUntil) bar = { permitId: r.permitId, revokedOn: r.revokedOn, barredUntil };
  }
  return bar;
}
