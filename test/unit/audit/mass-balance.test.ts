import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addFlows, massBalance, ZERO_FLOWS } from '../../../src/audit/domain/mass-balance';

describe('mass balance', () => {
  it('received + generated − sent − treated − disposed − held change is zero when the books close', () => {
    const f = {
      ...ZERO_FLOWS,
      heldStart: 100n,
      generated: 50n,
      received: 30n,
      sent: 40n,
      treated: 10n,
      disposed: 20n,
      heldEnd: 110n,
    };
    const b = massBalance(f);
    assert.equal(b.heldChange, 10n);
    assert.equal(b.residual, 0n);
    assert.equal(b.balanced, true);
  });

  it('a correction explains the residual; anything else is unexplained', () => {
    const corrected = massBalance({ ...ZERO_FLOWS, generated: 100n, corrections: -5n, heldEnd: 95n });
    assert.equal(corrected.residual, 5n);
    assert.equal(corrected.unexplained, 0n);
    assert.equal(corrected.balanced, false);
    const lost = massBalance({ ...ZERO_FLOWS, generated: 100n, heldEnd: 90n });
    assert.equal(lost.unexplained, 10n);
  });

  it('flows add up field by field', () => {
    const a = { ...ZERO_FLOWS, generated: 1n, sent: 2n };
    assert.deepEqual(addFlows(a, a), { ...ZERO_FLOWS, generated: 2n, sent: 4n });
  });
});
