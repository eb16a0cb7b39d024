import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaseUnit, EventType, LotStatus } from '../../src/ledger/domain/ledger-types';
import {
  appendProblem,
  LOT_EVENT_TYPES,
  mergedQuantity,
  mergeProblem,
  OPERATION_CODE,
  splitProblem,
  statusAfter,
  type MergeCandidate,
} from '../../src/lots/domain/lot-rules';

const g = (amount: bigint) => ({ amount, unit: BaseUnit.GRAM });

describe('lot rules', () => {
  it('what may follow what', () => {
    const code = (status: LotStatus, type: (typeof LOT_EVENT_TYPES)[number]) =>
      appendProblem(status, type)?.code ?? 'ok';
    assert.equal(code(LotStatus.ACTIVE, EventType.STORED), 'ok');
    assert.equal(code(LotStatus.STORED, EventType.STORED), 'already-stored');
    assert.equal(code(LotStatus.ACTIVE, EventType.RETRIEVED), 'not-stored');
    assert.equal(code(LotStatus.STORED, EventType.RETRIEVED), 'ok');
    assert.equal(code(LotStatus.STORED, EventType.TREATED), 'retrieve-first');
    assert.equal(code(LotStatus.STORED, EventType.DISPOSED), 'retrieve-first');
    assert.equal(code(LotStatus.TREATED, EventType.DISPOSED), 'ok');
    assert.equal(code(LotStatus.IN_TRANSIT, EventType.STORED), 'lot-in-transit');
    for (const closed of [LotStatus.DISPOSED, LotStatus.SPLIT, LotStatus.MERGED]) {
      for (const type of LOT_EVENT_TYPES) {
        assert.equal(code(closed, type), type === EventType.CORRECTED ? 'ok' : 'lot-closed');
      }
      assert.equal(appendProblem(closed, EventType.CORRECTED, { changesQuantity: true })?.code, 'lot-closed');
    }
  });
  it('status after each event', () => {
    assert.equal(statusAfter(LotStatus.ACTIVE, EventType.STORED), LotStatus.STORED);
    assert.equal(statusAfter(LotStatus.STORED, EventType.RETRIEVED), LotStatus.ACTIVE);
    assert.equal(statusAfter(LotStatus.ACTIVE, EventType.TREATED), LotStatus.TREATED);
    assert.equal(statusAfter(LotStatus.TREATED, EventType.DISPOSED), LotStatus.DISPOSED);
    assert.equal(statusAfter(LotStatus.STORED, EventType.RELABELLED), LotStatus.STORED);
    assert.equal(statusAfter(LotStatus.DISPOSED, EventType.CORRECTED), LotStatus.DISPOSED);
  });
  it('a split must add up exactly, in the lot’s unit', () => {
    assert.equal(splitProblem(g(10_000n), [g(4_000n), g(6_000n)]), null);
    assert.equal(splitProblem(g(10_000n), [g(4_000n), g(5_999n)])?.code, 'unbalanced-split');
    assert.equal(splitProblem(g(10_000n), [g(4_000n), g(6_001n)])?.code, 'unbalanced-split');
    assert.match(splitProblem(g(10_000n), [g(4_000n), g(5_999n)])!.message, /9999 g but the lot holds 10000 g/);
    assert.equal(splitProblem(g(2n), [g(1n), { amount: 1n, unit: BaseUnit.PIECE }])?.code, 'unit-mismatch');
  });
  it('a merge needs one code, one identification, one unit, open lots; its quantity is the exact sum', () => {
    const lot = (id: string, over: Partial<MergeCandidate> = {}): MergeCandidate => ({
      id,
      wasteCode: '900-041-49',
      identificationRef: null,
      quantity: g(1_000n),
      status: LotStatus.ACTIVE,
      ...over,
    });
    assert.equal(mergeProblem([lot('a'), lot('b', { status: LotStatus.STORED })]), null);
    assert.equal(mergeProblem([lot('a'), lot('b', { wasteCode: '900-249-08' })])?.code, 'waste-code-mismatch');
    assert.equal(mergeProblem([lot('a'), lot('b', { identificationRef: 'R-1' })])?.code, 'identification-mismatch');
    assert.equal(
      mergeProblem([lot('a'), lot('b', { quantity: { amount: 3n, unit: BaseUnit.PIECE } })])?.code,
      'unit-mismatch',
    );
    assert.equal(mergeProblem([lot('a'), lot('b', { status: LotStatus.MERGED })])?.code, 'lot-closed');
    assert.equal(mergeProblem([lot('a'), lot('b', { status: LotStatus.IN_TRANSIT })])?.code, 'lot-in-transit');
    const lots = [lot('a', { quantity: g(1_234n) }), lot('b', { quantity: g(5_678n) })];
    assert.deepEqual(mergedQuantity(lots), { quantity: g(6_912n) });
    assert.deepEqual(mergedQuantity(lots, g(6_912n)), { quantity: g(6_912n) });
    const wrong = mergedQuantity(lots, g(6_913n));
    assert.ok('problem' in wrong && wrong.problem.code === 'unbalanced-merge');
  });
  it('operation codes look like R4, D10, C1', () => {
    for (const ok of ['R1', 'R4', 'R15', 'D10', 'D1', 'C2']) assert.ok(OPERATION_CODE.test(ok), ok);
    for (const bad of ['R0', 'X1', 'r4', 'D100', 'D', 'R 4', 'D01']) assert.ok(!OPERATION_CODE.test(bad), bad);
  });
});
