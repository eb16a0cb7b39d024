import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  annualQuantity,
  assessTier,
  HJ1259_2022_TIERS,
  ManagementTier,
  tierOfQuantity,
  type TierInput,
} from '../../../src/audit/domain/management-tier';

const T = 1_000_000n; // grams per tonne

const input = (over: Partial<TierInput> & { yearly?: Record<number, bigint> } = {}): TierInput => ({
  assessmentYear: 2025,
  yearlyGrams: new Map(Object.entries(over.yearly ?? {}).map(([y, g]) => [Number(y), g])),
  firstYear: 2018,
  ownFacility: false,
  operatingLicence: false,
  ...over,
});

describe('HJ 1259-2022 management tier', () => {
  it('exactly 100 t is KEY; one gram less is SIMPLIFIED', () => {
    assert.equal(tierOfQuantity(100n * T), ManagementTier.KEY);
    assert.equal(tierOfQuantity(100n * T - 1n), ManagementTier.SIMPLIFIED);
    const key = assessTier(input({ yearly: { 2024: 100n * T } }));
    assert.equal(key.tier, ManagementTier.KEY);
    assert.deepEqual(key.reasons, ['ANNUAL_QUANTITY']);
    assert.equal(assessTier(input({ yearly: { 2024: 100n * T - 1n } })).tier, ManagementTier.SIMPLIFIED);
  });

  it('exactly 10 t is SIMPLIFIED; one gram less is REGISTRATION', () => {
    assert.equal(tierOfQuantity(10n * T), ManagementTier.SIMPLIFIED);
    assert.equal(tierOfQuantity(10n * T - 1n), ManagementTier.REGISTRATION);
    assert.equal(assessTier(input({ yearly: { 2023: 10n * T } })).tier, ManagementTier.SIMPLIFIED);
    assert.equal(assessTier(input({ yearly: { 2023: 10n * T - 1n } })).tier, ManagementTier.REGISTRATION);
    assert.equal(assessTier(input()).tier, ManagementTier.REGISTRATION);
  });

  it('the annual quantity is the maximum of the three complete years before the assessment year', () => {
    const q = annualQuantity(
      input({ yearly: { 2021: 500n * T, 2022: 5n * T, 2023: 120n * T, 2024: 8n * T, 2025: 900n * T } }),
    );
    assert.equal(q.method, 'MAX_OF_LAST_3_YEARS');
    assert.deepEqual(q.years, [2022, 2023, 2024]);
    assert.equal(q.grams, 120n * T);
    assert.equal(q.maxYear, 2023);
    // 2021 (four years back) and 2025 (the year itself, incomplete) do not count.
    assert.equal(
      assessTier(input({ yearly: { 2021: 500n * T, 2022: 5n * T, 2024: 8n * T, 2025: 900n * T } })).tier,
      ManagementTier.REGISTRATION,
    );
  });

  it('a site running one to three years takes the maximum of the years it has run', () => {
    const q = annualQuantity(input({ firstYear: 2023, yearly: { 2023: 30n * T, 2024: 12n * T } }));
    assert.equal(q.method, 'MAX_OF_YEARS_RUN');
    assert.deepEqual(q.years, [2023, 2024]);
    assert.equal(q.grams, 30n * T);
    assert.equal(assessTier(input({ firstYear: 2023, yearly: { 2023: 30n * T } })).tier, ManagementTier.SIMPLIFIED);
  });

  it('a new site uses its declared figure, else what the ledger holds for the year so far', () => {
    const declared = annualQuantity(
      input({ firstYear: 2025, declaredAnnualGrams: 150n * T, yearly: { 2025: 1n * T } }),
    );
    assert.equal(declared.method, 'DECLARED_FIGURE');
    assert.equal(declared.grams, 150n * T);
    const soFar = annualQuantity(input({ firstYear: 2025, yearly: { 2025: 11n * T } }));
    assert.equal(soFar.method, 'CURRENT_YEAR_SO_FAR');
    assert.equal(soFar.grams, 11n * T);
    assert.equal(annualQuantity(input({ firstYear: null })).method, 'NO_RECORDS');
  });

  it('its own facility or an operating licence makes it KEY whatever the quantity', () => {
    const facility = assessTier(input({ ownFacility: true, yearly: { 2024: 1n } }));
    assert.equal(facility.tier, ManagementTier.KEY);
    assert.deepEqual(facility.reasons, ['OWN_FACILITY']);
    const both = assessTier(input({ ownFacility: true, operatingLicence: true, yearly: { 2024: 200n * T } }));
    assert.deepEqual(both.reasons, ['ANNUAL_QUANTITY', 'OWN_FACILITY', 'OPERATING_LICENCE']);
  });

  it('declaration cadences follow the tier (§7.2)', () => {
    assert.deepEqual(assessTier(input({ operatingLicence: true })).declarations, ['MONTHLY', 'ANNUAL']);
    assert.deepEqual(assessTier(input({ yearly: { 2024: 50n * T } })).declarations, ['QUARTERLY', 'ANNUAL']);
    assert.deepEqual(assessTier(input()).declarations, ['ANNUAL']);
    assert.equal(assessTier(input()).profileId, HJ1259_2022_TIERS.id);
  });
});
