/**
 * HJ 1259-2022 《危险废物管理计划和管理台账制定技术导则》 §4.2: the management tier of a unit
 * (rules.md §4.4, §8 #23, #24). Pure: no I/O.
 *
 * - KEY (危险废物环境重点监管单位): annual quantity ≥ 100 t, or it has its own hazardous-waste
 *   utilisation/disposal facility, or it holds a hazardous-waste operating licence.
 * - SIMPLIFIED (简化管理单位): 10 t ≤ annual quantity < 100 t, and not KEY.
 * - REGISTRATION (登记管理单位): annual quantity < 10 t, and not KEY.
 *
 * Annual quantity (§4.2.3): a site running for three years or more takes the maximum of the last
 * three years; one running for one to three years the maximum of the years it has run; a new site
 * the figure of its EIA or discharge permit. Years are calendar years in China time; "the last
 * three years" are the three complete calendar years before the assessment year.
 */
export enum ManagementTier {
  KEY = 'KEY',
  SIMPLIFIED = 'SIMPLIFIED',
  REGISTRATION = 'REGISTRATION',
}

export type TierReason = 'ANNUAL_QUANTITY' | 'OWN_FACILITY' | 'OPERATING_LICENCE';

export type AnnualQuantityMethod =
  /** Running ≥ 3 years: the maximum of the 3 complete years before the assessment year. */
  | 'MAX_OF_LAST_3_YEARS'
  /** Running 1–3 years: the maximum of its complete years. */
  | 'MAX_OF_YEARS_RUN'
  /** A new site with a stated EIA / discharge-permit figure. */
  | 'DECLARED_FIGURE'
  /** A new site without a stated figure: what the ledger holds for the assessment year so far (provisional). */
  | 'CURRENT_YEAR_SO_FAR'
  /** Nothing generated on record. */
  | 'NO_RECORDS';

export type DeclarationCadence = 'MONTHLY' | 'QUARTERLY' | 'ANNUAL';

/** The thresholds of a tier regime, as data (rules.md: thresholds live in profiles, with their source). */
export interface TierProfile {
  id: string;
  source: string;
  effectiveFrom: string;
  /** KEY at or above this annual quantity (grams). */
  keyAtGrams: bigint;
  /** SIMPLIFIED at or above this annual quantity (grams), below keyAtGrams. */
  simplifiedAtGrams: bigint;
  /** Complete years the annual quantity looks back over. */
  lookbackYears: number;
  /** Declaration (申报) cadences of each tier (§7.2). */
  declarations: Record<ManagementTier, readonly DeclarationCadence[]>;
}

export const HJ1259_2022_TIERS: TierProfile = Object.freeze<TierProfile>({
  id: 'HJ1259-2022',
  source: 'HJ 1259-2022 §4.2 (tiers), §4.2.3 (annual quantity), §7.2 (declarations)',
  effectiveFrom: '2022-10-01',
  keyAtGrams: 100_000_000n, // 100 t
  simplifiedAtGrams: 10_000_000n, // 10 t
  lookbackYears: 3,
  declarations: {
    // Key: monthly by the 15th, annual by 31 March.
    [ManagementTier.KEY]: ['MONTHLY', 'ANNUAL'],
    // Simplified: quarterly by the 15th of the quarter's first month, annual by 31 March.
    [ManagementTier.SIMPLIFIED]: ['QUARTERLY', 'ANNUAL'],
    // Registration: annual by 31 March.
    [ManagementTier.REGISTRATION]: ['ANNUAL'],
  },
});

export interface TierInput {
  /** The year the tier is assessed for. */
  assessmentYear: number;
  /** Grams generated per calendar year (years absent generated nothing). */
  yearlyGrams: ReadonlyMap<number, bigint>;
  /** The calendar year of the unit's first recorded generation (when the site started running); null if none. */
  firstYear: number | null;
  /** It utilises or disposes of hazardous waste itself (its own facility). */
  ownFacility: boolean;
  /** It holds a hazardous-waste operating licence. */
  operatingLicence: boolean;
  /** A new site's EIA or discharge-permit annual figure (grams), if stated. */
  declaredAnnualGrams?: bigint | null;
}

export interface AnnualQuantity {
  grams: bigint;
  method: AnnualQuantityMethod;
  /** The years looked at, ascending. */
  years: number[];
  /** The year that gave the maximum, null when none. */
  maxYear: number | null;
}

export interface TierAssessment {
  tier: ManagementTier;
  reasons: TierReason[];
  annualQuantity: AnnualQuantity;
  declarations: readonly DeclarationCadence[];
  profileId: string;
}

/** The annual quantity of §4.2.3 for an assessment year. */
export function annualQuantity(input: TierInput, profile: TierProfile = HJ1259_2022_TIERS): AnnualQuantity {
  const y = input.assessmentYear;
  const grams = (year: number) => input.yearlyGrams.get(year) ?? 0n;
  if (input.firstYear === null || input.firstYear > y) {
    return { grams: 0n, method: 'NO_RECORDS', years: [], maxYear: null };
  }
  if (input.firstYear === y) {
    if (input.declaredAnnualGrams !== undefined && input.declaredAnnualGrams !== null) {
      return { grams: input.declaredAnnualGrams, method: 'DECLARED_FIGURE', years: [], maxYear: null };
    }
    return { grams: grams(y), method: 'CURRENT_YEAR_SO_FAR', years: [y], maxYear: y };
  }
  const first = Math.max(input.firstYear, y - profile.lookbackYears);
  const years: number[] = [];
  for (let year = first; year < y; year++) years.push(year);
  let max = -1n;
  let maxYear: number | null = null;
  for (const year of years) {
    if (grams(year) > max) {
      max = grams(year);
      maxYear = year;
    }
  }
  return {
    grams: max,
    method: input.firstYear <= y - profile.lookbackYears ? 'MAX_OF_LAST_3_YEARS' : 'MAX_OF_YEARS_RUN',
    years,
    maxYear,
  };
}

/** The tier from an annual quantity alone (the facility and licence criteria aside). */
export function tierOfQuantity(grams: bigint, profile: TierProfile = HJ1259_2022_TIERS): ManagementTier {
  if (grams >= profile.keyAtGrams) return ManagementTier.KEY;
  if (grams >= profile.simplifiedAtGrams) return ManagementTier.SIMPLIFIED;
  return ManagementTier.REGISTRATION;
}

/** The tier of a unit for an assessment year, with every reason that makes it KEY. */
export function assessTier(input: TierInput, profile: TierProfile = HJ1259_2022_TIERS): TierAssessment {
  const quantity = annualQuantity(input, profile);
  const byQuantity = tierOfQuantity(quantity.grams, profile);
  const reasons: TierReason[] = [];
  if (byQuantity === ManagementTier.KEY) reasons.push('ANNUAL_QUANTITY');
  if (input.ownFacility) reasons.push('OWN_FACILITY');
  if (input.operatingLicence) reasons.push('OPERATING_LICENCE');
  const tier = reasons.length > 0 ? ManagementTier.KEY : byQuantity;
  return {
    tier,
    reasons,
    annualQuantity: quantity,
    declarations: profile.declarations[tier],
    profileId: profile.id,
  };
}
