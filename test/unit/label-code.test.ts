import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issueLabelCode, labelCodeProblem, parseLabelCode } from '../../src/lots/domain/label-code';

const UNIT = '91371502MA3C4KXU18';
const VALID = `${UNIT}9000414920261128001`;

describe('HJ 1276 label digital ID', () => {
  it('parses the 4 segments of a 37-character ID', () => {
    assert.equal(VALID.length, 37);
    assert.deepEqual(parseLabelCode(VALID), {
      ok: true,
      parts: { unitCode: UNIT, wasteCode: '900-041-49', date: '2026-11-28', serial: 1 },
    });
  });
  it('refuses wrong lengths, characters, check characters, dates and serial 000', () => {
    assert.match((parseLabelCode(VALID.slice(1)) as { problem: string }).problem, /37 characters/);
    assert.equal(parseLabelCode(`${UNIT.slice(0, 17)}0${VALID.slice(18)}`).ok, false);
    assert.equal(parseLabelCode(`${UNIT}9000414920260230001`).ok, false);
    assert.equal(parseLabelCode(`${UNIT}9000414920261128000`).ok, false);
    assert.equal(parseLabelCode(`${UNIT}90004149202611280a1`).ok, false);
    assert.equal(parseLabelCode(VALID.toLowerCase()).ok, false);
  });
  it('must match the lot: same waste code, dated no later than generation', () => {
    assert.equal(labelCodeProblem(VALID, { wasteCode: '900-041-49', notAfter: '2026-11-28' }), null);
    assert.equal(labelCodeProblem(VALID, { wasteCode: '900-041-49', notAfter: '2026-12-01' }), null);
    assert.match(labelCodeProblem(VALID, { wasteCode: '900-249-08', notAfter: '2026-11-28' })!, /waste-code segment/);
    assert.match(labelCodeProblem(VALID, { wasteCode: '900-041-49', notAfter: '2026-11-27' })!, /after the generation/);
  });
  it('issues IDs in the same format, serial zero-padded', () => {
    const issued = issueLabelCode(UNIT, '841-001-01', '2024-06-01', 42);
    assert.equal(issued, `${UNIT}8410010120240601042`);
    assert.equal(parseLabelCode(issued).ok, true);
    assert.throws(() => issueLabelCode(UNIT, '841-001-01', '2024-06-01', 1000));
  });
});
