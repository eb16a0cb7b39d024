import { isValidCreditCode } from '../../organisations/domain/credit-code';

/**
 * The digital ID (数字识别码) printed on a hazardous-waste label, HJ 1276-2022: 37 characters
 * in 4 segments (rules.md §4.6). The segmentation below is the likely one noted there
 * ([M], to verify against Appendix A of HJ 1276); it lives only in this file:
 *
 *   18  unified social credit code of the generating or collecting unit (GB 32100 check character)
 *    8  the waste code without hyphens (900-041-49 → 90004149)
 *    8  generation or collection date, YYYYMMDD
 *    3  serial number, 001–999
 */
export const LABEL_CODE_LENGTH = 37;
const LABEL_CODE = /^([0-9A-Z]{18})(\d{8})(\d{8})(\d{3})$/;
export const MAX_LABEL_SERIAL = 999;

export interface LabelCodeParts {
  unitCode: string;
  /** NNN-NNN-NN */
  wasteCode: string;
  /** YYYY-MM-DD */
  date: string;
  serial: number;
}

export type LabelCodeCheck = { ok: true; parts: LabelCodeParts } | { ok: false; problem: string };

export function parseLabelCode(code: string): LabelCodeCheck {
  if (code.length !== LABEL_CODE_LENGTH) {
    return { ok: false, problem: `must be ${LABEL_CODE_LENGTH} characters (HJ 1276-2022 digital ID)` };
  }
  const m = LABEL_CODE.exec(code);
  if (!m) {
    return {
      ok: false,
      problem: 'must be an 18-character unit code, the 8-digit waste code, a YYYYMMDD date and a 3-digit serial',
    };
  }
  const [, unitCode, waste, ymd, serial] = m;
  if (!isValidCreditCode(unitCode)) {
    return { ok: false, problem: 'its first 18 characters are not a valid unified social credit code' };
  }
  const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  if (!isCalendarDate(date)) return { ok: false, problem: `its date segment ${ymd} is not a calendar date` };
  if (serial === '000') return { ok: false, problem: 'its serial segment must be 001–999' };
  return {
    ok: true,
    parts: {
      unitCode,
      wasteCode: `${waste.slice(0, 3)}-${waste.slice(3, 6)}-${waste.slice(6, 8)}`,
      date,
      serial: Number(serial),
    },
  };
}

/**
 * A label ID is valid for a lot when its format is valid, its waste-code segment is the lot's
 * code, and its date is not after the lot's generation date (China time): a container's label
 * carries the date its waste started to accumulate.
 */
export function labelCodeProblem(code: string, lot: { wasteCode: string; notAfter: string }): string | null {
  const parsed = parseLabelCode(code);
  if (!parsed.ok) return parsed.problem;
  if (parsed.parts.wasteCode !== lot.wasteCode) {
    return `its waste-code segment ${parsed.parts.wasteCode} is not the lot's waste code ${lot.wasteCode}`;
  }
  if (parsed.parts.date > lot.notAfter) {
    return `its date ${parsed.parts.date} is after the generation date ${lot.notAfter}`;
  }
  return null;
}

/** The ID the service issues when none is given: same format, from the organisation's daily serial. */
export function issueLabelCode(unitCode: string, wasteCode: string, date: string, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_LABEL_SERIAL) {
    throw new RangeError(`label serial ${serial} is outside 1–${MAX_LABEL_SERIAL}`);
  }
  return `${unitCode}${wasteCode.replace(/-/g, '')}${date.replace(/-/g, '')}${String(serial).padStart(3, '0')}`;
}

function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}
