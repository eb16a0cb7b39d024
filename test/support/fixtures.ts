import { randomInt } from 'node:crypto';
import { creditCodeCheckCharacter } from '../../src/organisations/domain/credit-code';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A random, checksum-valid unified social credit code (91 = enterprise, then the region). */
export function creditCode(region = '371502'): string {
  let body = `91${region}`;
  while (body.length < 17) body += ALPHABET[randomInt(ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}
