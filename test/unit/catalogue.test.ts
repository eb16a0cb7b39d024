import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHazard } from '../../src/catalogue/domain/hazard';

describe('hazard characteristics', () => {
  it('comma: the first is certain, the others possible', () => {
    assert.deepEqual(parseHazard('T,I'), {
      raw: 'T,I',
      mode: 'FIRST_CERTAIN_OTHERS_POSSIBLE',
      listed: ['T', 'I'],
      certain: ['T'],
    });
  });
  it('full-width comma is read as a comma', () => {
    assert.equal(parseHazard('C，T').mode, 'FIRST_CERTAIN_OTHERS_POSSIBLE');
  });
  it('slash: one or more of those listed, none certain alone', () => {
    assert.deepEqual(parseHazard('T/In'), { raw: 'T/In', mode: 'ONE_OR_MORE', listed: ['T', 'In'], certain: [] });
  });
  it('single', () => {
    assert.deepEqual(parseHazard('In').certain, ['In']);
  });
  it('refuses unknown letters and mixed separators', () => {
    assert.throws(() => parseHazard('T,X'));
    assert.throws(() => parseHazard('T,I/C'));
  });
});
