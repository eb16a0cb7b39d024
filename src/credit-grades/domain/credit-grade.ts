/**
 * Environmental credit grades (固废法 Art 28; Shandong 企业环境信用评价: green 守法, blue 轻微失信,
 * yellow 一般失信, black 严重失信 = the environmental-credit blacklist).
 */
export enum CreditGrade {
  GREEN = 'GREEN',
  BLUE = 'BLUE',
  YELLOW = 'YELLOW',
  BLACK = 'BLACK',
}

export interface CreditGradeRecord {
  id: string;
  grade: CreditGrade;
  validFrom: string;
  /** Inclusive; null when open-ended. */
  validTo: string | null;
  recordedAt: Date;
}

/**
 * The grade in force on a date: of the grades whose validity covers the date, the one
 * recorded last (a later assessment supersedes an earlier one). Null when none covers it.
 */
export function gradeInForce<T extends CreditGradeRecord>(records: readonly T[], date: string): T | null {
  let best: T | null = null;
  for (const r of records) {
    if (r.validFrom > date || (r.validTo !== null && r.validTo < date)) continue;
    if (!best || r.recordedAt.getTime() > best.recordedAt.getTime()) best = r;
  }
  return best;
}
