import { parseTimestamp } from '../../ledger/domain/ledger-time';
import { chinaDate, chinaDayStart, isCalendarDate } from './china-date';

/** A half-open reporting window [from, to). */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A period bound as given in a query: a China calendar date (YYYY-MM-DD: `from` starts at 00:00
 * China time that day; `to` is inclusive, so the period ends at 24:00 China time that day) or an
 * ISO 8601 instant with a zone (taken as is; `to` is exclusive). Null when it is neither.
 */
export function parsePeriodBound(value: string, bound: 'from' | 'to'): Date | null {
  if (isCalendarDate(value)) {
    const start = chinaDayStart(value);
    return bound === 'from' ? start : new Date(start.getTime() + DAY_MS);
  }
  return parseTimestamp(value);
}

/** True for a value parsePeriodBound accepts. */
export const isPeriodBound = (value: unknown): boolean =>
  typeof value === 'string' && parsePeriodBound(value, 'from') !== null;

/** The China calendar year (as a number) an instant falls in. */
export const chinaYearOf = (at: Date): number => Number(chinaDate(at).slice(0, 4));

/** [1 January, next 1 January) of a China calendar year. */
export function chinaCalendarYear(year: number): ReportPeriod {
  return { from: chinaDayStart(`${year}-01-01`), to: chinaDayStart(`${year + 1}-01-01`) };
}

/**
 * The reporting period of a query. Without bounds: the current calendar year in China time.
 * With only `from`: up to the end of that China calendar year; with only `to`: from the start of
 * the China calendar year of its last instant. Null when `to` is not after `from`.
 */
export function reportPeriod(from: string | undefined, to: string | undefined, now = new Date()): ReportPeriod | null {
  const start = from === undefined ? undefined : parsePeriodBound(from, 'from');
  const end = to === undefined ? undefined : parsePeriodBound(to, 'to');
  if (start === null || end === null) return null;
  const period: ReportPeriod =
    start && end
      ? { from: start, to: end }
      : start
        ? { from: start, to: chinaCalendarYear(chinaYearOf(start)).to }
        : end
          ? { from: chinaCalendarYear(chinaYearOf(new Date(end.getTime() - 1))).from, to: end }
          : chinaCalendarYear(chinaYearOf(now));
  return period.to.getTime() > period.from.getTime() ? period : null;
}
