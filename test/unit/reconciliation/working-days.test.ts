import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  WORKING_CALENDAR_YEARS,
  addCalendarDays,
  addWorkingDays,
  chinaCalendarDate,
  chinaStartOfDay,
  isChinaWorkingDay,
  workingCalendarCovers,
  workingDaysBetween,
} from '../../../src/reconciliation/domain/working-days';

const d = (iso: string) => new Date(iso);

describe('China calendar dates', () => {
  it('a day starts at 16:00 UTC the evening before', () => {
    assert.equal(chinaCalendarDate(d('2025-09-30T15:59:59.999Z')), '2025-09-30');
    assert.equal(chinaCalendarDate(d('2025-09-30T16:00:00.000Z')), '2025-10-01');
    assert.equal(chinaStartOfDay('2025-10-01').toISOString(), '2025-09-30T16:00:00.000Z');
  });
  it('refuses malformed dates', () => {
    assert.throws(() => isChinaWorkingDay('2025-02-30'));
    assert.throws(() => isChinaWorkingDay('2025/10/01'));
  });
});

describe('official working-day calendar (chinese-days data)', () => {
  it('covers the years up to at least 2026', () => {
    assert.ok(WORKING_CALENDAR_YEARS.first <= 2022 && WORKING_CALENDAR_YEARS.last >= 2026);
    assert.equal(workingCalendarCovers('2025-10-01'), true);
    assert.equal(workingCalendarCovers(d('2099-01-01T00:00:00Z')), false);
  });
  it('2025 National Day and Mid-Autumn: 10-01..10-08 off, make-up days Sun 09-28 and Sat 10-11', () => {
    for (let day = 1; day <= 8; day += 1) assert.equal(isChinaWorkingDay(`2025-10-0${day}`), false, `10-0${day}`);
    assert.equal(isChinaWorkingDay('2025-09-28'), true, 'Sunday make-up day');
    assert.equal(isChinaWorkingDay('2025-10-11'), true, 'Saturday make-up day');
    assert.equal(isChinaWorkingDay('2025-10-12'), false, 'ordinary Sunday');
    assert.equal(isChinaWorkingDay('2025-09-27'), false, 'ordinary Saturday');
    assert.equal(isChinaWorkingDay('2025-10-09'), true);
  });
  it('2026 Spring Festival: 02-15..02-23 off, Sat 02-14 and 02-28 worked', () => {
    assert.equal(isChinaWorkingDay('2026-02-16'), false);
    assert.equal(isChinaWorkingDay('2026-02-23'), false, 'a Monday within the holiday');
    assert.equal(isChinaWorkingDay('2026-02-14'), true);
    assert.equal(isChinaWorkingDay('2026-02-28'), true);
  });
  it('beyond the published years only weekends are days off', () => {
    assert.equal(isChinaWorkingDay('2099-10-01'), true); // a Thursday
    assert.equal(isChinaWorkingDay('2099-10-03'), false); // a Saturday
  });
});

describe('addWorkingDays: the end of the n-th working day after the day of the start', () => {
  it('across a weekend: delivered Fri 10:00 → deadline end of the next Friday', () => {
    assert.equal(addWorkingDays(d('2025-09-05T10:00:00+08:00'), 5).toISOString(), '2025-09-12T16:00:00.000Z');
  });
  it('a start on a non-working day: Saturday is day 0, Mon..Fri count', () => {
    assert.equal(addWorkingDays(d('2025-09-06T11:00:00+08:00'), 5).toISOString(), '2025-09-12T16:00:00.000Z');
  });
  it('uses the China date, not the UTC date (Fri 00:30 China = Thu 16:30 UTC)', () => {
    assert.equal(addWorkingDays(d('2025-09-04T16:30:00Z'), 5).toISOString(), '2025-09-12T16:00:00.000Z');
    assert.equal(addWorkingDays(d('2025-09-04T15:30:00Z'), 5).toISOString(), '2025-09-11T16:00:00.000Z');
  });
  it('across the National Day holiday with the Saturday make-up day counted', () => {
    // Tue 09-30 → Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 (3, make-up), Mon 10-13 (4), Tue 10-14 (5)
    assert.equal(addWorkingDays(d('2025-09-30T15:00:00+08:00'), 5).toISOString(), '2025-10-14T16:00:00.000Z');
  });
  it('a Sunday make-up day counts as a working day', () => {
    // Fri 09-26 → Sun 09-28 (1, make-up), Mon 09-29 (2), Tue 09-30 (3), Thu 10-09 (4), Fri 10-10 (5)
    assert.equal(addWorkingDays(d('2025-09-26T09:00:00+08:00'), 5).toISOString(), '2025-10-10T16:00:00.000Z');
    assert.equal(addWorkingDays(d('2025-09-26T09:00:00+08:00'), 1).toISOString(), '2025-09-28T16:00:00.000Z');
  });
  it('n = 0 is the end of the start day; n must be a whole number ≥ 0', () => {
    assert.equal(addWorkingDays(d('2025-10-01T09:00:00+08:00'), 0).toISOString(), '2025-10-01T16:00:00.000Z');
    assert.throws(() => addWorkingDays(d('2025-10-01T09:00:00+08:00'), -1));
    assert.throws(() => addWorkingDays(d('2025-10-01T09:00:00+08:00'), 1.5));
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after the first day up to and including the last', () => {
    assert.equal(workingDaysBetween(d('2025-09-30T08:00:00+08:00'), d('2025-09-30T23:00:00+08:00')), 0);
    assert.equal(workingDaysBetween(d('2025-09-30T08:00:00+08:00'), d('2025-10-08T23:00:00+08:00')), 0);
    assert.equal(workingDaysBetween(d('2025-09-30T08:00:00+08:00'), d('2025-10-11T08:00:00+08:00')), 3);
    assert.equal(workingDaysBetween(d('2025-09-05T08:00:00+08:00'), d('2025-09-08T08:00:00+08:00')), 1);
  });
  it('is negative when the second instant is earlier', () => {
    assert.equal(workingDaysBetween(d('2025-10-11T08:00:00+08:00'), d('2025-09-30T08:00:00+08:00')), -3);
  });
  it('agrees with addWorkingDays (property)', () => {
    const from = Date.parse('2024-01-01T00:00:00Z');
    const to = Date.parse('2026-12-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 40 }), (startMs, n) => {
        const start = new Date(startMs);
        const deadline = addWorkingDays(start, n);
        // The deadline is a China midnight, the n-th working day is the day before it.
        assert.equal((deadline.getTime() + 8 * 3_600_000) % 86_400_000, 0);
        if (n > 0) assert.equal(isChinaWorkingDay(chinaCalendarDate(new Date(deadline.getTime() - 1))), true);
        assert.equal(workingDaysBetween(start, new Date(deadline.getTime() - 1)), n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('host time zone', () => {
  // Node applies a runtime change of process.env.TZ to Date at once.
  function inZone<T>(tz: string, fn: () => T): T {
    const saved = process.env.TZ;
    process.env.TZ = tz;
    try {
      return fn();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }

  it('gives the same answers west and far east of UTC', () => {
    for (const tz of ['America/New_York', 'Pacific/Kiritimati']) {
      inZone(tz, () => {
        assert.notEqual(new Date(2025, 0, 1).getTimezoneOffset(), 0, `${tz} is in effect`);
        assert.equal(isChinaWorkingDay('2025-09-28'), true);
        assert.equal(isChinaWorkingDay('2025-10-01'), false);
        assert.equal(chinaCalendarDate(d('2025-09-30T16:00:00Z')), '2025-10-01');
        assert.equal(addWorkingDays(d('2025-09-30T15:00:00+08:00'), 5).toISOString(), '2025-10-14T16:00:00.000Z');
      });
    }
  });

  it('agrees day by day, 2024–2026, with chinese-days’ own isWorkday() run in China time', () => {
    // The package builds its tables with the local zone when first loaded: load it in China time.
    const diff = inZone('Asia/Shanghai', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cd = require('chinese-days') as { isWorkday: (d: Date) => boolean };
      const out: string[] = [];
      for (let day = '2024-01-01'; day <= '2026-12-31'; day = addCalendarDays(day, 1)) {
        const [y, m, dd] = day.split('-').map(Number);
        if (cd.isWorkday(new Date(y, m - 1, dd)) !== isChinaWorkingDay(day)) out.push(day);
      }
      return out;
    });
    assert.deepEqual(diff, []);
  });
});
