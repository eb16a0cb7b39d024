/**
 * Hazard characteristics as printed in the national list (note 1 under its table):
 * `T,I` — the waste has the first characteristic and may also have the others;
 * `T/In` — it has one or more of those listed; `T` — it has that one.
 */
export const HAZARD_CHARACTERISTICS = ['T', 'C', 'I', 'R', 'In'] as const;
export type HazardCharacteristic = (typeof HAZARD_CHARACTERISTICS)[number];

export type HazardMode = 'SINGLE' | 'FIRST_CERTAIN_OTHERS_POSSIBLE' | 'ONE_OR_MORE';

export interface HazardProfile {
  /** As printed (with an ASCII comma). */
  raw: string;
  mode: HazardMode;
  /** Every characteristic listed, in printed order. */
  listed: HazardCharacteristic[];
  /** Those the waste certainly has (empty for ONE_OR_MORE: at least one of `listed`). */
  certain: HazardCharacteristic[];
}

const isCharacteristic = (s: string): s is HazardCharacteristic =>
  (HAZARD_CHARACTERISTICS as readonly string[]).includes(s);

export function parseHazard(raw: string): HazardProfile {
  const text = raw.replace(/，/g, ',').trim();
  const comma = text.includes(',');
  const slash = text.includes('/');
  if (comma && slash) throw new Error(`hazard value mixes separators: ${raw}`);
  const listed = text.split(/[,/]/).map((s) => s.trim());
  if (listed.length === 0 || !listed.every(isCharacteristic))
    throw new Error(`unknown hazard characteristic in ${raw}`);
  const chars = listed as HazardCharacteristic[];
  if (comma) return { raw: text, mode: 'FIRST_CERTAIN_OTHERS_POSSIBLE', listed: chars, certain: [chars[0]] };
  if (slash) return { raw: text, mode: 'ONE_OR_MORE', listed: chars, certain: [] };
  return { raw: text, mode: 'SINGLE', listed: chars, certain: chars };
}
