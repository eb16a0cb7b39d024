/**
 * Calendar dates in China time (UTC+8, no daylight saving): validity windows, calendar
 * years and "today" for regulatory rules are all counted in China Standard Time.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The YYYY-MM-DD date in China of an instant. */
export function chinaDate(at: Date = new Date()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** True for a real calendar date between 1900-01-01 and 2999-12-31, written YYYY-MM-DD. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !CALENDAR_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < 1900 || year > 2999) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const m = Number(date.slice(5, 7));
  let d = Number(date.slice(8, 10));
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > lastDay) d = lastDay;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The instant a China calendar day starts. */
export function chinaDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** [start of 1 January, start of the day after `date`) in China time: the calendar year up to and including `date`. */
export function chinaYearToDate(date: string): { from: Date; to: Date } {
  const from = chinaDayStart(`${date.slice(0, 4)}-01-01`);
  const to = new Date(chinaDayStart(date).getTime() + 24 * 60 * 60 * 1000);
  return { from, to };
}
