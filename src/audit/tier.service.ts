import { Injectable } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { assessTier, HJ1259_2022_TIERS, type TierAssessment } from './domain/management-tier';

export interface UnitTier {
  assessment: TierAssessment;
  /** Grams generated per China calendar year, up to the year assessed. */
  yearly: Map<number, bigint>;
  ownFacility: boolean;
  operatingLicence: boolean;
}

/** Gathers the ledger facts of HJ 1259 §4.2 (set-based, for any number of units) and applies the pure tier rule. */
@Injectable()
export class TierService {
  constructor(private readonly audit: AuditRepository) {}

  async assess(organisationIds: readonly string[], year: number): Promise<Map<string, UnitTier>> {
    const [generation, facts] = await Promise.all([
      this.audit.generationByYear(organisationIds, year),
      this.audit.tierFacts(organisationIds, year),
    ]);
    const yearly = new Map<string, Map<number, bigint>>();
    for (const row of generation) {
      const years = yearly.get(row.organisationId) ?? new Map<number, bigint>();
      years.set(row.year, row.grams);
      yearly.set(row.organisationId, years);
    }
    const out = new Map<string, UnitTier>();
    for (const f of facts) {
      const years = yearly.get(f.organisationId) ?? new Map<number, bigint>();
      const assessment = assessTier(
        {
          assessmentYear: year,
          yearlyGrams: years,
          firstYear: f.firstYear === null ? null : Number(f.firstYear),
          ownFacility: f.ownFacility,
          operatingLicence: f.operatingLicence,
        },
        HJ1259_2022_TIERS,
      );
      out.set(f.organisationId, {
        assessment,
        yearly: years,
        ownFacility: f.ownFacility,
        operatingLicence: f.operatingLicence,
      });
    }
    return out;
  }
}
