import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chinaDate } from '../../src/common/time/china-date';
import { checkOccurredAt, parseTimestamp } from '../../src/ledger/domain/ledger-time';

describe('ledger time', () => {
  it('parses ISO 8601 with a zone, to the millisecond', () => {
    assert.equal(parseTimestamp('2026-11-28T09:30:00+08:00')?.toISOString(), '2026-11-28T01:30:00.000Z');
    assert.equal(parseTimestamp('2026-11-28T01:30:00.123456Z')?.toISOString(), '2026-11-28T01:30:00.123Z');
    assert.equal(parseTimestamp('2026-11-28T01:30Z')?.toISOString(), '2026-11-28T01:30:00.000Z');
  });
  it('refuses impossible dates, missing zones and out-of-range years', () => {
    for (const value of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-28T24:00:00Z',
      '2026-11-28T10:00:00',
      '2026-11-28',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '+010000-01-01T00:00:00Z',
      '2026-11-28T10:00:00+25:00',
      'yesterday',
      '',
    ]) {
      assert.equal(parseTimestamp(value), null, value);
    }
    assert.equal(parseTimestamp(1_700_000_000_000), null);
  });
  it('the China date is UTC+8', () => {
    assert.equal(chinaDate(new Date('2024-12-31T15:59:59.999Z')), '2024-12-31');
    assert.equal(chinaDate(new Date('2024-12-31T16:00:00.000Z')), '2025-01-01');
  });
  it('occurredAt: at most the skew into the future, never before the previous event', () => {
    const now = new Date('2026-11-28T10:00:00.000Z');
    const at = (iso: string) => new Date(iso);
    const ctx = { now, skewSeconds: 300, previous: at('2026-11-28T09:00:00.000Z') };
    assert.equal(checkOccurredAt(at('2026-11-28T10:05:00.000Z'), ctx), null);
    assert.equal(checkOccurredAt(at('2026-11-28T10:05:00.001Z'), ctx)?.code, 'occurred-at-in-future');
    assert.equal(checkOccurredAt(at('2026-11-28T09:00:00.000Z'), ctx), null);
    assert.equal(checkOccurredAt(at('2026-11-28T08:59:59.999Z'), ctx)?.code, 'occurred-at-before-previous-event');
    assert.equal(checkOccurredAt(at('2020-01-01T00:00:00.000Z'), { ...ctx, previous: null }), null);
  });
});
