/**
 * Rule profiles: which rules run, what they do (BLOCK / FLAG / REPORT), how severe their findings
 * are, and every threshold — as data with effective dates, so that a change of law or another
 * regime is a new profile, not a code change (rules.md, preamble).
 *
 * Threshold naming: `…After…` / `…Above…` are strict (a finding when the value is greater);
 * `…At…` is inclusive (a finding when the value is equal or greater). A duration limit is in
 * time when the act happens at or before start + limit; a working-day limit is in time at or
 * before the deadline defined in working-days.ts.
 */
import type { CreditGrade } from './facts';
import { chinaCalendarDate } from './working-days';

export const RULE_IDS = [
  'CUSTODY_BREAK',
  'UNCONFIRMED_HANDOVER',
  'QUANTITY_DISCREPANCY',
  'TYPE_DISCREPANCY',
  'TRANSIT_OVERDUE',
  'RECEIPT_CONFIRMATION_OVERDUE',
  'STORAGE_LIMIT_EXCEEDED',
  'MEDICAL_COLLECTION_INTERVAL',
  'TREATMENT_OVERDUE',
  'UNLICENSED_PARTY',
  'PERMIT_SCOPE',
  'PERMIT_CAPACITY',
  'MASS_BALANCE',
  'ORPHAN_LOT',
  'CHAIN_TAMPERED',
  'CLOCK_ANOMALY',
  'BLACKLISTED_PARTY',
  'CUMULATIVE_LOSS',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITIES = ['INFO', 'WARNING', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** BLOCK: refuse the API call; FLAG: accept and raise a flag; REPORT: list in regulator reports (rules.md §8). */
export const RULE_ACTIONS = ['BLOCK', 'FLAG', 'REPORT'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export type NoThresholds = Record<string, never>;

export interface RuleThresholds {
  CUSTODY_BREAK: NoThresholds;
  UNCONFIRMED_HANDOVER: {
    /** A handover must be confirmed (or declined) by the receiving party within this. */
    confirmWithinHours: number;
    /** Also report handovers confirmed late (a separate `…:late` key that stays until resolved). */
    reportLate: boolean;
  };
  QUANTITY_DISCREPANCY: {
    /** |received − declared| / declared above this is a discrepancy; 100 bp = 1 %. */
    weightToleranceBasisPoints: number;
    /** A container-count difference above this is a discrepancy (0: any difference). */
    containerCountTolerance: number;
  };
  TYPE_DISCREPANCY: NoThresholds;
  TRANSIT_OVERDUE: {
    /** First pickup to delivery, hazardous waste. */
    hazardousHours: number;
    /** First pickup to delivery when any line is medical waste (HW01). */
    medicalHours: number;
    reportLate: boolean;
  };
  RECEIPT_CONFIRMATION_OVERDUE: {
    /** The consignee confirms receipt in the system within this many working days of delivery. */
    workingDays: number;
    reportLate: boolean;
  };
  STORAGE_LIMIT_EXCEEDED: {
    /** Medical waste at the producer, from placement in temporary storage: warn after this. */
    medicalAtProducerWarnAfterHours: number;
    medicalAtProducerHours: number;
    /** Hazardous waste at its generator, from generation. */
    generatorWarnAfterDays: number;
    generatorDays: number;
    /** Hazardous waste at a licensed operator (collector, storer, treater), from receipt. */
    operatorWarnAfterDays: number;
    operatorDays: number;
    /** A collection-licence holder must pass waste on within this many working days. */
    collectionLicenceWorkingDays: number;
    reportLate: boolean;
  };
  MEDICAL_COLLECTION_INTERVAL: {
    intervalHours: number;
    epidemicIntervalHours: number;
    /** Flag only institutions with recorded waste waiting (false: any institution past the interval). */
    onlyWithPendingWaste: boolean;
  };
  TREATMENT_OVERDUE: {
    /** Medical waste at the disposer, from arrival. */
    medicalHours: number;
    medicalEpidemicHours: number;
    /** Other hazardous waste at a treater, from receipt. */
    hazardousWorkingDays: number;
    reportLate: boolean;
  };
  UNLICENSED_PARTY: NoThresholds;
  PERMIT_SCOPE: NoThresholds;
  PERMIT_CAPACITY: {
    /** Year-to-date / licensed annual scale, per cent. */
    warnAtPercent: number;
    flagAbovePercent: number;
    escalateAbovePercent: number;
  };
  MASS_BALANCE: {
    /** Split/merge: |Σ outputs − Σ inputs| above max(min grams, bp × Σ inputs). */
    lineageToleranceBasisPoints: number;
    lineageToleranceMinGrams: number;
    /** Facility month: |residual| above max(min grams, bp × (opening + received + generated)). */
    facilityToleranceBasisPoints: number;
    facilityToleranceMinGrams: number;
  };
  ORPHAN_LOT: {
    /** An open lot never shipped nor treated, with no event for longer than this. */
    hazardousInactiveDays: number;
    medicalInactiveHours: number;
  };
  CHAIN_TAMPERED: NoThresholds;
  CLOCK_ANOMALY: {
    /** occurredAt later than recordedAt by more than this. */
    futureSkewSeconds: number;
    /** occurredAt earlier than the previous event's by more than this. */
    backwardToleranceSeconds: number;
  };
  BLACKLISTED_PARTY: {
    /** Credit grades that count as black-listed. */
    grades: CreditGrade[];
  };
  CUMULATIVE_LOSS: {
    /** Rolling window over which a pair's losses add up. */
    windowDays: number;
    /** Net loss above this raises a flag. */
    flagAboveGrams: number;
    /** Net loss at or above this escalates. */
    escalateAtGrams: number;
    /** Net loss at or above this is marked "serious circumstances" in the evidence. */
    seriousAtGrams: number;
  };
}

export interface RuleSettings<T> {
  enabled: boolean;
  action: RuleAction;
  /** Severity of a breach. */
  severity: Severity;
  /** Severity of the early-warning stage, for rules that have one (default WARNING). */
  warningSeverity?: Severity;
  /** Severity of the escalated stage, for rules that have one (default CRITICAL). */
  escalatedSeverity?: Severity;
  thresholds: T;
}

export type RuleSet = { [K in RuleId]: RuleSettings<RuleThresholds[K]> };

export interface RuleProfile {
  id: string;
  /** Regime code: CN, later EU, US. */
  regime: string;
  name: string;
  /** First day in force, YYYY-MM-DD, China time (inclusive). */
  effectiveFrom: string;
  /** First day no longer in force (exclusive), or null: open-ended. Same convention as catalogue editions. */
  effectiveTo: string | null;
  rules: RuleSet;
}

const HOURS_PER_DAY = 24;

/**
 * The default profile for China (national law, with Shandong's stricter medical-waste rules, as
 * deployed in Liaocheng). Sources: rules.md in the product docs; "§8 #n" is row n of its rules
 * table. [policy] marks a number that no legal text gives: a product choice, to be confirmed.
 */
export const CN_DEFAULT_PROFILE: RuleProfile = deepFreeze({
  id: 'cn-default-2022',
  regime: 'CN',
  name: 'China: national rules with Shandong medical-waste rules',
  // 《危险废物转移管理办法》 in force 2022-01-01 (rules.md §1).
  effectiveFrom: '2022-01-01',
  effectiveTo: null,
  rules: {
    CUSTODY_BREAK: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      // Two-party handover: custody moves only when the receiver confirms (design.md, Manifest lifecycle).
      thresholds: {},
    },
    UNCONFIRMED_HANDOVER: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // [policy] No legal limit. 24 h: a pickup, relay or delivery is a same-day act
        // (转移办法 Art 17 asks carriers to agree the handover time; it sets no number).
        confirmWithinHours: 24,
        reportLate: true,
      },
    },
    QUANTITY_DISCREPANCY: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // 5 %: rules.md §8 #8 (转移办法 Art 18(2): a quantity mismatch must be reported; the
        // tolerance is configurable, "e.g. ±5% [policy]"). The US comparator is 10 % for bulk
        // waste (40 CFR 264.72, rules.md "US and EU comparators"); we keep the stricter 5 %.
        weightToleranceBasisPoints: 500,
        // Any container-count difference: rules.md §8 #8 / design.md rules table (as in 40 CFR 264.72).
        containerCountTolerance: 0,
      },
    },
    TYPE_DISCREPANCY: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      // Any name/code mismatch: 转移办法 Art 18(2), rules.md §8 #8.
      thresholds: {},
    },
    TRANSIT_OVERDUE: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // [policy] rules.md §8 #13 asks to flag "transit time over the expected value (policy)"
        // and gives no number (转移办法 Art 11(3) only requires the track to be recorded).
        hazardousHours: 48,
        // [policy] Medical waste moves the same day (日产日清, rules.md §3.4); 24 h.
        medicalHours: 24,
        reportLate: true,
      },
    },
    RECEIPT_CONFIRMATION_OVERDUE: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // 5 working days from delivery: 转移办法 Art 18(1); rules.md §8 #7 (FLAG overdue; REPORT).
        workingDays: 5,
        reportLate: true,
      },
    },
    STORAGE_LIMIT_EXCEEDED: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      warningSeverity: 'WARNING',
      thresholds: {
        // 医疗废物管理条例 Art 17: temporary storage at the institution ≤ 2 days;
        // rules.md §8 #33: FLAG at 36 h, REPORT at 48 h.
        medicalAtProducerWarnAfterHours: 36,
        medicalAtProducerHours: 2 * HOURS_PER_DAY,
        // Generators: Shandong 2018 policy, lots over one year go on the key-monitoring list
        // (rules.md §4.1, §8 #22 [S]); the warning at 300 days mirrors §8 #21 [policy].
        generatorWarnAfterDays: 300,
        generatorDays: 365,
        // Licensed operators: 固废法 Art 81, at most one year unless an extension is approved;
        // rules.md §8 #21: FLAG at 300 days, REPORT over 365.
        operatorWarnAfterDays: 300,
        operatorDays: 365,
        // Collection licences: pass the waste to a disposer within 90 working days;
        // 许可证办法 Art 20, rules.md §8 #19.
        collectionLicenceWorkingDays: 90,
        reportLate: true,
      },
    },
    MEDICAL_COLLECTION_INTERVAL: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      thresholds: {
        // 山东省医疗废物管理办法 Art 10: ≤ 48 h at the same institution, ≤ 24 h in an epidemic;
        // 医疗废物管理条例 Art 25: at least every 2 days. rules.md §3.3, §8 #34.
        intervalHours: 48,
        epidemicIntervalHours: 24,
        // [policy] Institutions with no recorded waste waiting are not flagged.
        onlyWithPendingWaste: true,
      },
    },
    TREATMENT_OVERDUE: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      thresholds: {
        // GB 39707-2020 at the disposer: cold store, ≤ 72 h (rules.md §3.4 [S; verify]).
        medicalHours: 72,
        // 山东省医疗废物管理办法 Art 13: in an epidemic, disposed within 12 h of arrival; §8 #35.
        medicalEpidemicHours: 12,
        // [policy] No legal limit for treating hazardous waste once received (the legal limit is
        // the operator's one-year storage, STORAGE_LIMIT_EXCEEDED). 90 working days by analogy
        // with 许可证办法 Art 20 (collection → disposer) and Art 31(3) (> 90 working days = storage).
        hazardousWorkingDays: 90,
        reportLate: true,
      },
    },
    UNLICENSED_PARTY: {
      enabled: true,
      action: 'BLOCK',
      severity: 'CRITICAL',
      // 固废法 Art 80; 许可证办法 Art 14, 28; rules.md §8 #16, #20 (BLOCK; criminal exposure ≥ 3 t,
      // 两高解释 2023 Art 7–8).
      thresholds: {},
    },
    PERMIT_SCOPE: {
      enabled: true,
      action: 'BLOCK',
      severity: 'CRITICAL',
      // 两高解释 2023 Art 19: beyond the licence's scope counts as unlicensed; rules.md §8 #16, #19.
      thresholds: {},
    },
    PERMIT_CAPACITY: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      warningSeverity: 'WARNING',
      escalatedSeverity: 'CRITICAL',
      thresholds: {
        // [policy] rules.md §5.3 "warn near the limit" gives no number: 90 %.
        warnAtPercent: 90,
        // rules.md §8 #17: FLAG at 100 % of the licensed annual scale.
        flagAbovePercent: 100,
        // 许可证办法 Art 12(4): ≥ 20 % over the scale needs re-licensing; rules.md §8 #17: BLOCK
        // (or override) above 120 % — the synchronous path blocks; here it escalates.
        escalateAbovePercent: 120,
      },
    },
    MASS_BALANCE: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      thresholds: {
        // [policy] Re-weighing on the same site after a split or merge: 1 %, at least 100 g.
        lineageToleranceBasisPoints: 100,
        lineageToleranceMinGrams: 100,
        // [policy] Monthly facility balance (received − treated − sent on − Δ storage): 1 % of
        // the month's throughput, at least 1 kg.
        facilityToleranceBasisPoints: 100,
        facilityToleranceMinGrams: 1000,
      },
    },
    ORPHAN_LOT: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // [policy] A quarter without any event: the reporting cadence of simplified-management
        // units (HJ 1259 §7.2, quarterly declarations).
        hazardousInactiveDays: 90,
        // [policy] Medical waste should leave within 48 h (条例 Art 17); silent a day beyond that.
        medicalInactiveHours: 72,
      },
    },
    CHAIN_TAMPERED: {
      enabled: true,
      action: 'FLAG',
      severity: 'CRITICAL',
      // Hash chain and Merkle log (design.md, Tamper evidence); any failure counts.
      thresholds: {},
    },
    CLOCK_ANOMALY: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      thresholds: {
        // [policy] Device clocks drift: 5 minutes ahead of the server is tolerated.
        futureSkewSeconds: 300,
        // [policy] Any event dated before the previous one in the chain (no tolerance).
        backwardToleranceSeconds: 0,
      },
    },
    BLACKLISTED_PARTY: {
      enabled: true,
      action: 'FLAG',
      severity: 'HIGH',
      thresholds: {
        // 固废法 Art 28; Shandong credit measures: black = 严重失信 (rules.md §6 [S], §8 #41: FLAG;
        // blocking is a policy decision).
        grades: ['BLACK'],
      },
    },
    CUMULATIVE_LOSS: {
      enabled: true,
      action: 'FLAG',
      severity: 'WARNING',
      escalatedSeverity: 'CRITICAL',
      thresholds: {
        // [policy] Rolling 12 months; the interpretation sets no window.
        windowDays: 365,
        // rules.md §8 #40: FLAG weight loss in transit "at any size".
        flagAboveGrams: 0,
        // 两高解释 2023 (法释〔2023〕7号) Art 1(2): ≥ 3 t of hazardous waste = "severe pollution";
        // rules.md §4.3, §8 #40: escalate at cumulative ≥ 3 t per sender–receiver pair.
        escalateAtGrams: 3_000_000,
        // 两高解释 2023 Art 2(3): ≥ 100 t = "serious circumstances".
        seriousAtGrams: 100_000_000,
      },
    },
  },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The profile in force on a day (China calendar date of `at`, or a YYYY-MM-DD string) for a regime:
 * effectiveFrom ≤ day < effectiveTo. When several are in force the latest effectiveFrom wins; two
 * with the same effectiveFrom are a configuration error (throws). Undefined when none is.
 */
export function profileOn(profiles: readonly RuleProfile[], at: Date | string, regime = 'CN'): RuleProfile | undefined {
  const day = typeof at === 'string' ? at : chinaCalendarDate(at);
  if (!DAY.test(day)) throw new Error(`not a calendar date (YYYY-MM-DD): ${day}`);
  const inForce = profiles
    .filter((p) => p.regime === regime && p.effectiveFrom <= day && (p.effectiveTo === null || day < p.effectiveTo))
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0));
  if (inForce.length > 1 && inForce[0].effectiveFrom === inForce[1].effectiveFrom)
    throw new Error(`profiles ${inForce[0].id} and ${inForce[1].id} both start on ${inForce[0].effectiveFrom}`);
  return inForce[0];
}

type RulePatch<K extends RuleId> = Partial<Omit<RuleSettings<RuleThresholds[K]>, 'thresholds'>> & {
  thresholds?: Partial<RuleThresholds[K]>;
};

/** A copy of `profile` with one rule's settings (and thresholds) patched. */
export function withRule<K extends RuleId>(profile: RuleProfile, ruleId: K, patch: RulePatch<K>): RuleProfile {
  const current = profile.rules[ruleId];
  const next: RuleSettings<RuleThresholds[K]> = {
    ...current,
    ...patch,
    thresholds: { ...current.thresholds, ...(patch.thresholds ?? {}) } as RuleThresholds[K],
  };
  return { ...profile, rules: { ...profile.rules, [ruleId]: next } };
}

/**
 * Checks a profile read from storage against the shape of CN_DEFAULT_PROFILE: every rule present
 * with a known action and severity, and every threshold of the default present with the same type
 * (numbers finite and ≥ 0). Returns the problems, empty when valid.
 */
export function validateProfile(profile: RuleProfile): string[] {
  const errors: string[] = [];
  if (!profile.id) errors.push('id is required');
  if (!profile.regime) errors.push('regime is required');
  if (!DAY.test(profile.effectiveFrom ?? '')) errors.push('effectiveFrom must be YYYY-MM-DD');
  if (profile.effectiveTo !== null) {
    if (!DAY.test(profile.effectiveTo ?? '')) errors.push('effectiveTo must be YYYY-MM-DD or null');
    else if (profile.effectiveTo <= profile.effectiveFrom) errors.push('effectiveTo must be after effectiveFrom');
  }
  for (const id of RULE_IDS) {
    const rule = profile.rules?.[id] as RuleSettings<Record<string, unknown>> | undefined;
    if (!rule) {
      errors.push(`rules.${id} is missing`);
      continue;
    }
    if (typeof rule.enabled !== 'boolean') errors.push(`rules.${id}.enabled must be a boolean`);
    if (!RULE_ACTIONS.includes(rule.action))
      errors.push(`rules.${id}.action must be one of ${RULE_ACTIONS.join(', ')}`);
    for (const key of ['severity', 'warningSeverity', 'escalatedSeverity'] as const) {
      const s = rule[key];
      if ((key === 'severity' || s !== undefined) && !SEVERITIES.includes(s as Severity))
        errors.push(`rules.${id}.${key} must be one of ${SEVERITIES.join(', ')}`);
    }
    const reference = CN_DEFAULT_PROFILE.rules[id].thresholds as Record<string, unknown>;
    for (const [name, ref] of Object.entries(reference)) {
      const v = rule.thresholds?.[name];
      if (typeof ref === 'number' && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
        errors.push(`rules.${id}.thresholds.${name} must be a number ≥ 0`);
      else if (/WorkingDays$/i.test(name) && !Number.isInteger(v))
        errors.push(`rules.${id}.thresholds.${name} must be a whole number of working days`);
      if (typeof ref === 'boolean' && typeof v !== 'boolean')
        errors.push(`rules.${id}.thresholds.${name} must be a boolean`);
      if (Array.isArray(ref) && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
        errors.push(`rules.${id}.thresholds.${name} must be a list of strings`);
    }
  }
  return errors;
}
