/**
 * China working-day arithmetic, in China Standard Time (Asia/Shanghai: UTC+8, no daylight saving).
 *
 * The calendar is the official one published each year by the State Council General Office
 * (国务院办公厅关于部分节假日安排的通知): public holidays, and the make-up working days (调休) that
 * fall on weekends. The data come from the `chinese-days` package's `dist/chinese-days.json`
 * (its published data file, one entry per holiday and per make-up working day). We read that
 * file rather than call the package's `isWorkday()`, because `isWorkday()` builds its tables
 * with the host's local time zone and answers wrongly on a host west of UTC (checked:
 * under TZ=America/New_York it reports 2025-09-28, a make-up working day, as a day off).
 * Everything here uses UTC arithmetic on China calendar dates, so the host zone never matters.
 *
 * Outside the years the package covers (see WORKING_CALENDAR_YEARS) only weekends are days
 * off: update the package when the next year's arrangement is published (usually in
 * October–November) — `workingCalendarCovers()` tells a caller when it is extrapolating.
 *
 * ## How "within N working days of X" is computed (the deadline rule)
 *
 * The day on which X happened (its China calendar date) is day 0 and is not counted, whether or
 * not it is itself a working day. Counting starts on the next calendar day and counts only
 * working days. The deadline is the end (24:00 China time) of the N-th working day so counted,
 * i.e. the instant 00:00 China time of the calendar day after it. An act at or before the
 * deadline instant is in time; one later is overdue.
 *
 * This is the general Chinese rule for periods (《民法典》 Art 201: the starting day is not
 * counted; Art 203: the period ends at 24:00 of its last day), applied to working days as
 * 转移办法 Art 18 requires ("五个工作日内").
 *
 * Example: goods received Tue 2025-09-30 15:00 (China time). 2025-10-01..08 is the National
 * Day / Mid-Autumn holiday; Sat 2025-10-11 is a make-up working day. Working days 1..5 are
 * Thu 10-09, Fri 10-10, Sat 10-11, Mon 10-13, Tue 10-14; the deadline is 2025-10-14 24:00 China
 * time = 2025-10-14T16:00:00.000Z.
 */
import calendarData from 'chinese-days/dist/chinese-days.json';

export const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Days are handled as integer day numbers (days since 1970-01-01 on the China calendar), so that
// counting 90 working days is a loop of integer operations.
type DayNumber = number;

function dayNumberOf(date: string): DayNumber {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a calendar date (YYYY-MM-DD): ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new Error(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

function dateOf(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const HOLIDAYS: ReadonlySet<DayNumber> = new Set(Object.keys(calendarData.holidays).map(dayNumberOf));
const MAKE_UP_WORKING_DAYS: ReadonlySet<DayNumber> = new Set(Object.keys(calendarData.workdays).map(dayNumberOf));

function coveredYears(): { first: number; last: number } {
  const years = [...HOLIDAYS, ...MAKE_UP_WORKING_DAYS].map((d) => Number(dateOf(d).slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
}

/** The years for which the official holiday arrangement is known. */
export const WORKING_CALENDAR_YEARS: Readonly<{ first: number; last: number }> = Object.freeze(coveredYears());

function chinaDayNumber(instant: Date): DayNumber {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new Error('invalid Date');
  return Math.floor((ms + CHINA_UTC_OFFSET_MS) / DAY_MS);
}

function startOfDayNumber(day: DayNumber): Date {
  return new Date(day * DAY_MS - CHINA_UTC_OFFSET_MS);
}

function isWorkingDayNumber(day: DayNumber): boolean {
  if (MAKE_UP_WORKING_DAYS.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday >= 1 && weekday <= 5;
}

/** The China calendar date (YYYY-MM-DD) on which an instant falls. */
export function chinaCalendarDate(instant: Date): string {
  return dateOf(chinaDayNumber(instant));
}

/** 00:00 China time of a calendar date, as an instant. */
export function chinaStartOfDay(date: string): Date {
  return startOfDayNumber(dayNumberOf(date));
}

/** The calendar date `days` after (or before, if negative) `date`. */
export function addCalendarDays(date: string, days: number): string {
  return dateOf(dayNumberOf(date) + days);
}

/** True if the official calendar for that date's year is known (else only weekends are days off). */
export function workingCalendarCovers(date: string | Date): boolean {
  const day = typeof date === 'string' ? date : chinaCalendarDate(date);
  const year = Number(day.slice(0, 4));
  return year >= WORKING_CALENDAR_YEARS.first && year <= WORKING_CALENDAR_YEARS.last;
}

/**
 * Whether a China calendar date is a working day: a make-up working day (调休上班) is one even on a
 * weekend; a public holiday is not; otherwise Monday to Friday are.
 */
export function isChinaWorkingDay(date: string): boolean {
  return isWorkingDayNumber(dayNumberOf(date));
}

/**
 * The deadline of "within `n` working days of `start`" (see the module comment): the end, 24:00
 * China time, of the `n`-th working day after the China calendar day of `start`, returned as the
 * instant 00:00 China time of the following calendar day. `n = 0` gives the end of the day of
 * `start` itself.
 */
export function addWorkingDays(start: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a non-negative integer, got ${n}`);
  let day = chinaDayNumber(start);
  let counted = 0;
  while (counted < n) {
    day += 1;
    if (isWorkingDayNumber(day)) counted += 1;
  }
  return startOfDayNumber(day + 1);
}

/**
 * The number of working days after the China calendar day of `a` up to and including the China
 * calendar day of `b` (negative when `b` is before `a`). Zero when both fall on the same day.
 * Consistent with addWorkingDays: for any instant `t` before addWorkingDays(a, n) and on or after
 * the start of the n-th working day, workingDaysBetween(a, t) === n.
 */
export function workingDaysBetween(a: Date, b: Date): number {
  const from = chinaDayNumber(a);
  const to = chinaDayNumber(b);
  if (to < from) return -workingDaysBetween(b, a);
  let count = 0;
  for (let day = from + 1; day <= to; day += 1) if (isWorkingDayNumber(day)) count += 1;
  return count;
}
