import { chinaDate } from '../../common/time/china-date';

/**
 * 转移联单编号 (《危险废物转移管理办法》 Art 15): 14 digits — the year (4), the sending place's
 * province and city codes (4, the first four digits of its GB/T 2260 division code), and a
 * 6-digit serial within that city and year.
 */
export function manifestNumber(year: number, sendingRegionCode: string, serial: number): string {
  if (!/^\d{6}$/.test(sendingRegionCode)) throw new Error(`bad region code ${sendingRegionCode}`);
  if (!Number.isInteger(serial) || serial < 1 || serial > 999_999) throw new Error(`serial out of range: ${serial}`);
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new Error(`bad year ${year}`);
  return `${year}${cityCode(sendingRegionCode)}${String(serial).padStart(6, '0')}`;
}

export const cityCode = (regionCode: string) => regionCode.slice(0, 4);

export function parseManifestNumber(n: string): { year: number; city: string; serial: number } | null {
  const m = /^(\d{4})(\d{4})(\d{6})$/.exec(n);
  return m ? { year: Number(m[1]), city: m[2], serial: Number(m[3]) } : null;
}

/** The calendar year in China time (UTC+8), which numbers the serial sequence. */
export function chinaYear(at: Date): number {
  return Number(chinaDate(at).slice(0, 4));
}
