import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationMode } from '../../src/catalogue/domain/operation';
import {
  CN_PERMIT_RULES,
  PermitKind,
  reentryBar,
  validatePermitDraft,
  type PermitDraft,
} from '../../src/permits/domain/permit-rules';

const LISTED = new Set(['900-214-08', '900-044-49', '900-052-31', '841-001-01', '841-002-01', '900-041-49']);
const catalogue = {
  isKnownCode: (c: string) => LISTED.has(c) || /^900-000-(0[1-9]|[1-3]\d|40|4[5-9]|50)$/.test(c),
  isKnownCategory: (c: string) => /^HW(0[1-9]|[1-3]\d|40|4[5-9]|50)$/.test(c),
};

const comprehensive: PermitDraft = {
  kind: PermitKind.HW_OPERATING_COMPREHENSIVE,
  operationModes: [OperationMode.STORAGE, OperationMode.DISPOSAL],
  wasteCodes: ['900-052-31'],
  wasteCategories: ['HW08'],
  annualCapacityGrams: 5_000_000_000n,
  facilityAddress: '聊城市东昌府区某路1号',
  validFrom: '2026-01-01',
  validTo: '2030-12-31',
  dedicatedMedicalWaste: false,
  collectionPilot: false,
};

const codesOf = (d: PermitDraft) => validatePermitDraft(d, CN_PERMIT_RULES, catalogue).map((e) => e.code);

describe('permit draft validation', () => {
  it('a complete comprehensive licence passes', () => {
    assert.deepEqual(codesOf(comprehensive), []);
  });
  it('validity must be ordered and within the statutory term (5 years comprehensive, 3 collection)', () => {
    assert.deepEqual(codesOf({ ...comprehensive, validTo: '2025-12-31' }), ['validity-order']);
    assert.deepEqual(codesOf({ ...comprehensive, validFrom: '2026-01-01', validTo: '2031-01-01' }), []);
    assert.deepEqual(codesOf({ ...comprehensive, validTo: '2031-01-02' }), ['validity-too-long']);
    assert.deepEqual(codesOf({ ...comprehensive, validFrom: '2026-06-30', validTo: '2026-06-30' }), []);
  });
  it('the scope is not empty and names listed codes and real categories', () => {
    assert.deepEqual(codesOf({ ...comprehensive, wasteCodes: [], wasteCategories: [] }), ['empty-scope']);
    assert.deepEqual(codesOf({ ...comprehensive, wasteCodes: ['999-999-99'] }), ['unknown-waste-code']);
    assert.deepEqual(codesOf({ ...comprehensive, wasteCategories: ['HW42'] }), ['unknown-category']);
    assert.deepEqual(codesOf({ ...comprehensive, wasteCodes: ['900-000-49'] }), [], 'identified codes may be in scope');
  });
  it('HW licences state capacity and (comprehensive) the facility address', () => {
    assert.deepEqual(codesOf({ ...comprehensive, annualCapacityGrams: null }), ['capacity-required']);
    assert.deepEqual(codesOf({ ...comprehensive, annualCapacityGrams: 0n }), ['capacity-not-positive']);
    assert.deepEqual(codesOf({ ...comprehensive, facilityAddress: null }), ['facility-address-required']);
  });
  it('operation modes fit the kind', () => {
    assert.deepEqual(codesOf({ ...comprehensive, operationModes: [] }), ['no-operation-mode']);
    assert.deepEqual(codesOf({ ...comprehensive, operationModes: [OperationMode.TRANSPORT] }), [
      'operation-mode-not-allowed',
    ]);
    const collection: PermitDraft = {
      ...comprehensive,
      kind: PermitKind.HW_OPERATING_COLLECTION,
      operationModes: [OperationMode.COLLECTION, OperationMode.DISPOSAL],
      wasteCodes: ['900-214-08'],
      wasteCategories: [],
      validTo: '2028-12-31',
    };
    assert.deepEqual(codesOf(collection), ['operation-mode-not-allowed']);
  });
  it('a collection licence covers only vehicle-repair oil and Ni-Cd batteries unless it is a pilot', () => {
    const collection: PermitDraft = {
      ...comprehensive,
      kind: PermitKind.HW_OPERATING_COLLECTION,
      operationModes: [OperationMode.COLLECTION],
      wasteCodes: ['900-214-08', '900-044-49'],
      wasteCategories: [],
      facilityAddress: null,
      validTo: '2028-12-31',
    };
    assert.deepEqual(codesOf(collection), []);
    assert.deepEqual(codesOf({ ...collection, wasteCodes: ['900-052-31'] }), ['collection-licence-scope']);
    assert.deepEqual(codesOf({ ...collection, wasteCategories: ['HW08'] }), ['collection-licence-scope']);
    assert.deepEqual(codesOf({ ...collection, wasteCodes: ['900-052-31'], collectionPilot: true }), []);
    assert.deepEqual(codesOf({ ...collection, validTo: '2029-01-02' }), ['validity-too-long']);
    assert.deepEqual(codesOf({ ...comprehensive, collectionPilot: true }), ['not-a-collection-licence']);
  });
  it('a medical-waste disposal licence covers HW01 only', () => {
    const medical: PermitDraft = {
      ...comprehensive,
      kind: PermitKind.MEDICAL_WASTE_DISPOSAL,
      wasteCodes: ['841-001-01'],
      wasteCategories: [],
    };
    assert.deepEqual(codesOf(medical), []);
    assert.deepEqual(codesOf({ ...medical, wasteCategories: ['HW01', 'HW49'] }), ['medical-scope']);
    assert.deepEqual(codesOf({ ...medical, operationModes: [OperationMode.UTILISATION] }), [
      'operation-mode-not-allowed',
    ]);
  });
  it('transport: HW01 only with dedicated medical-waste vehicles, which carry nothing else', () => {
    const transport: PermitDraft = {
      ...comprehensive,
      kind: PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT,
      operationModes: [OperationMode.TRANSPORT],
      wasteCodes: [],
      wasteCategories: ['HW08', 'HW31'],
      annualCapacityGrams: null,
      facilityAddress: null,
      validTo: '2040-01-01',
    };
    assert.deepEqual(codesOf(transport), [], 'no capacity, address or term required');
    assert.deepEqual(codesOf({ ...transport, wasteCategories: ['HW01'] }), ['dedicated-medical-vehicle']);
    assert.deepEqual(codesOf({ ...transport, wasteCategories: ['HW01'], dedicatedMedicalWaste: true }), []);
    assert.deepEqual(codesOf({ ...transport, wasteCategories: ['HW01', 'HW08'], dedicatedMedicalWaste: true }), [
      'dedicated-medical-vehicle',
    ]);
    assert.deepEqual(codesOf({ ...comprehensive, dedicatedMedicalWaste: true }), ['not-a-transport-permit']);
  });
});

describe('5-year re-entry bar (许可证办法 Art 29)', () => {
  const revoked = [{ permitId: 'p1', kind: PermitKind.HW_OPERATING_COMPREHENSIVE, revokedOn: '2026-03-10' }];
  it('bars a licence of the same family from the revocation day until the day before the 5th anniversary', () => {
    for (const today of ['2026-03-10', '2028-01-01', '2031-03-09']) {
      assert.deepEqual(reentryBar(revoked, PermitKind.HW_OPERATING_COLLECTION, today, CN_PERMIT_RULES), {
        permitId: 'p1',
        revokedOn: '2026-03-10',
        barredUntil: '2031-03-10',
      });
    }
    assert.equal(reentryBar(revoked, PermitKind.MEDICAL_WASTE_DISPOSAL, '2031-03-10', CN_PERMIT_RULES), null);
  });
  it('does not bar another family', () => {
    assert.equal(reentryBar(revoked, PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT, '2027-01-01', CN_PERMIT_RULES), null);
  });
  it('the longest bar applies when several licences were revoked', () => {
    const two = [...revoked, { permitId: 'p2', kind: PermitKind.MEDICAL_WASTE_DISPOSAL, revokedOn: '2027-05-01' }];
    assert.equal(reentryBar(two, PermitKind.HW_OPERATING_COMPREHENSIVE, '2027-06-01', CN_PERMIT_RULES)?.permitId, 'p2');
  });
});
