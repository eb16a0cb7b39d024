import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverage, institutionVerdict, ratio } from '../../src/stats/domain/medical-coverage';

const o = (over: Partial<Parameters<typeof institutionVerdict>[0]> = {}) => ({
  lots: 1,
  onTime: 0,
  late: 0,
  overdue: 0,
  waiting: 0,
  selfDisposed: 0,
  ...over,
});

describe('medical collection coverage', () => {
  it('one late or overdue lot makes an institution not on time', () => {
    assert.equal(institutionVerdict(o({ onTime: 5 })), 'ON_TIME');
    assert.equal(institutionVerdict(o({ onTime: 5, late: 1 })), 'NOT_ON_TIME');
    assert.equal(institutionVerdict(o({ onTime: 5, overdue: 1 })), 'NOT_ON_TIME');
    assert.equal(institutionVerdict(o({ waiting: 2 })), 'NOT_YET_DUE');
    assert.equal(institutionVerdict(o({ selfDisposed: 2 })), 'SELF_DISPOSED');
    assert.equal(institutionVerdict(o({ onTime: 1, waiting: 1 })), 'ON_TIME');
  });

  it('the rate is on time over judged institutions, exact to 4 places', () => {
    assert.deepEqual(coverage(['ON_TIME', 'ON_TIME', 'NOT_ON_TIME', 'NOT_YET_DUE', 'SELF_DISPOSED']), {
      institutions: 5,
      onTime: 2,
      notOnTime: 1,
      notYetDue: 1,
      selfDisposed: 1,
      onTimeRate: '0.6667',
    });
    assert.equal(coverage([]).onTimeRate, null);
    assert.equal(ratio(1, 8, 4), '0.1250');
    assert.equal(ratio(1, 3, 4), '0.3333');
    assert.equal(ratio(3, 3, 4), '1.0000');
    assert.equal(ratio(1, 20000, 4), '0.0001'); // 0.00005 rounds half up
  });
});
