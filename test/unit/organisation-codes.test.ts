import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { creditCodeCheckCharacter, isValidCreditCode } from '../../src/organisations/domain/credit-code';
import {
  isValidJurisdictionPrefix,
  isValidRegionCode,
  regionName,
  regionPrefix,
} from '../../src/organisations/domain/region-codes';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    // Examples printed in public registries and the standard's worked example.
    for (const code of ['91350100M000100Y43', '91110000600037341L', '91440300708461136T']) {
      assert.equal(isValidCreditCode(code), true, code);
    }
  });
  it('rejects a wrong check character, forbidden letters and wrong lengths', () => {
    assert.equal(isValidCreditCode('91350100M000100Y44'), false);
    assert.equal(isValidCreditCode('91350100M000100YI3'), false);
    assert.equal(isValidCreditCode('91350100M000100Y4'), false);
    assert.equal(isValidCreditCode('91350100m000100y43'), false);
  });
  it('every single-character change of a valid code is caught', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 17, maxLength: 17 }),
        fc.nat(16),
        fc.constantFrom(...alphabet),
        (chars, position, replacement) => {
          const body = chars.join('');
          const code = body + creditCodeCheckCharacter(body);
          fc.pre(code[position] !== replacement);
          const changed = code.slice(0, position) + replacement + code.slice(position + 1);
          return isValidCreditCode(code) && !isValidCreditCode(changed);
        },
      ),
    );
  });
});

describe('region codes (GB/T 2260)', () => {
  it('knows provinces, prefecture cities and counties', () => {
    assert.equal(regionName('370000'), '山东省');
    assert.equal(regionName('371500'), '聊城市');
    assert.equal(regionName('371502'), '东昌府区');
    assert.equal(isValidRegionCode('999999'), false);
    assert.equal(isValidRegionCode('37150'), false);
  });
  it('derives and validates jurisdiction prefixes', () => {
    assert.equal(regionPrefix('370000'), '37');
    assert.equal(regionPrefix('371500'), '3715');
    assert.equal(regionPrefix('371502'), '371502');
    assert.equal(isValidJurisdictionPrefix('3715'), true);
    assert.equal(isValidJurisdictionPrefix('99'), false);
    assert.equal(isValidJurisdictionPrefix('371'), false);
  });
});
