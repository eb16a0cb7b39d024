/**
 * Medical-waste collection coverage (应收尽收): for each institution, were all its medical lots
 * picked up within the limit of their generation? Pure; the per-lot outcomes come from SQL.
 *
 * Per lot (HW01, generated in the period, genesis GENERATED):
 * - ON_TIME: first picked up (custody confirmed by another organisation, on the lot or on a lot
 *   made from it) at most `limitHours` after generation;
 * - LATE: picked up, but after the limit;
 * - OVERDUE: not picked up, and the limit has passed;
 * - WAITING: not picked up, the limit not yet passed;
 * - SELF_DISPOSED: treated or disposed of by the institution itself before any pickup (a rural
 *   facility disposing under a county plan, 医疗废物管理条例 Art 21): not judged.
 */
export interface InstitutionOutcomes {
  lots: number;
  onTime: number;
  late: number;
  overdue: number;
  waiting: number;
  selfDisposed: number;
}

export type InstitutionVerdict =
  /** Every judged lot was picked up in time. */
  | 'ON_TIME'
  /** At least one lot late or overdue. */
  | 'NOT_ON_TIME'
  /** Nothing judged yet: its lots are still within the limit. */
  | 'NOT_YET_DUE'
  /** It disposed of all its lots itself. */
  | 'SELF_DISPOSED';

export function institutionVerdict(o: InstitutionOutcomes): InstitutionVerdict {
  if (o.late + o.overdue > 0) return 'NOT_ON_TIME';
  if (o.onTime > 0) return 'ON_TIME';
  if (o.waiting > 0) return 'NOT_YET_DUE';
  return 'SELF_DISPOSED';
}

export interface Coverage {
  institutions: number;
  onTime: number;
  notOnTime: number;
  notYetDue: number;
  selfDisposed: number;
  /** onTime / (onTime + notOnTime), 4 decimals, rounded half up; null when nobody was judged. */
  onTimeRate: string | null;
}

export function coverage(verdicts: readonly InstitutionVerdict[]): Coverage {
  const count = (v: InstitutionVerdict) => verdicts.filter((x) => x === v).length;
  const onTime = count('ON_TIME');
  const notOnTime = count('NOT_ON_TIME');
  return {
    institutions: verdicts.length,
    onTime,
    notOnTime,
    notYetDue: count('NOT_YET_DUE'),
    selfDisposed: count('SELF_DISPOSED'),
    onTimeRate: ratio(onTime, onTime + notOnTime, 4),
  };
}

/** a / b as a decimal string with `places` decimals, rounded half up, exact (integer arithmetic). */
export function ratio(a: number, b: number, places: number): string | null {
  if (b === 0) return null;
  const scale = 10n ** BigInt(places);
  const scaled = (BigInt(a) * scale * 2n + BigInt(b)) / (2n * BigInt(b));
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(places, '0');
  return `${whole}.${fraction}`;
}
