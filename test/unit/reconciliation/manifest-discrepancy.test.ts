import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRule } from '../../../src/reconciliation/domain/rule-profile';
import { quantityDiscrepancy, typeDiscrepancy } from '../../../src/reconciliation/domain/rules/manifest-discrepancy';
import type { ManifestLineFact } from '../../../src/reconciliation/domain/facts';
import { CAR1, GEN, TRT, batch, line, manifest, profile } from './builders';

const withLine = (l: Partial<ManifestLineFact>) => batch({ manifests: [manifest('m-1', [], { lines: [line(l)] })] });
const weight = (received: number, declared = 1_000_000, p = profile) =>
  quantityDiscrepancy(withLine({ declaredGrams: declared, receivedGrams: received }), p);

describe('QUANTITY_DISCREPANCY: weight', () => {
  it('exactly 5 % short or over is within tolerance; one gram more is not', () => {
    assert.deepEqual(weight(950_000), []);
    assert.deepEqual(weight(1_050_000), []);
    const [short] = weight(949_999);
    assert.equal(short.dedupeKey, 'QUANTITY_DISCREPANCY:MANIFEST:m-1:lot-1:weight');
    assert.equal(short.severity, 'WARNING');
    assert.deepEqual(short.organisationIds, [CAR1, GEN, TRT].sort());
    assert.equal(short.evidence.differenceGrams, -50_001);
    assert.equal(short.evidence.differencePercent, -5);
    assert.equal(weight(1_050_001).length, 1);
  });
  it('is exact on large quantities (no floating point)', () => {
    const declared = 123_456_789_013; // 123 kt
    const fivePercent = (declared * 5) / 100; // 6 172 839 450.65 g
    assert.deepEqual(weight(declared - Math.floor(fivePercent), declared), []);
    assert.equal(weight(declared - Math.ceil(fivePercent), declared).length, 1);
  });
  it('something received where nothing was declared', () => {
    assert.equal(weight(1, 0).length, 1);
    assert.deepEqual(weight(0, 0), []);
  });
  it('not judged before the receipt', () => {
    assert.deepEqual(quantityDiscrepancy(withLine({ receivedGrams: null }), profile), []);
  });
  it('a profile with the US 10 % bulk tolerance', () => {
    const us = withRule(profile, 'QUANTITY_DISCREPANCY', { thresholds: { weightToleranceBasisPoints: 1000 } });
    assert.deepEqual(weight(900_000, 1_000_000, us), []);
    assert.equal(weight(899_999, 1_000_000, us).length, 1);
  });
});

describe('QUANTITY_DISCREPANCY: containers', () => {
  it('any container-count difference', () => {
    const [f] = quantityDiscrepancy(withLine({ declaredContainers: 5, receivedContainers: 4 }), profile);
    assert.equal(f.dedupeKey, 'QUANTITY_DISCREPANCY:MANIFEST:m-1:lot-1:containers');
    assert.equal(f.evidence.differenceContainers, -1);
    assert.deepEqual(quantityDiscrepancy(withLine({ declaredContainers: 5, receivedContainers: 5 }), profile), []);
    assert.deepEqual(quantityDiscrepancy(withLine({ declaredContainers: null, receivedContainers: 4 }), profile), []);
  });
  it('weight and count are separate flags', () => {
    const both = quantityDiscrepancy(
      withLine({ receivedGrams: 800_000, declaredContainers: 5, receivedContainers: 4 }),
      profile,
    );
    assert.deepEqual(both.map((f) => f.evidence.measure).sort(), ['CONTAINERS', 'WEIGHT']);
  });
});

describe('TYPE_DISCREPANCY', () => {
  it('a different code is flagged; the same code written differently is not', () => {
    const [f] = typeDiscrepancy(withLine({ declaredCode: '900-249-08', receivedCode: '900-214-08' }), profile);
    assert.equal(f.dedupeKey, 'TYPE_DISCREPANCY:MANIFEST:m-1:lot-1');
    assert.equal(f.severity, 'HIGH');
    assert.deepEqual([f.evidence.declaredCode, f.evidence.receivedCode], ['900-249-08', '900-214-08']);
    assert.deepEqual(typeDiscrepancy(withLine({ receivedCode: '90024908' }), profile), []);
    assert.deepEqual(typeDiscrepancy(withLine({ receivedCode: null }), profile), []);
  });
});
