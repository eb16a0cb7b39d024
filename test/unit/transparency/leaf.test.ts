import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  custodyLeaf,
  custodyLeafHash,
  encodeCustodyLeaf,
  parseCustodyLeaf,
  type CustodyLeaf,
} from '../../../src/transparency/domain/leaf';
import { MemoryLeafHashSource } from '../../../src/transparency/domain/merkle-frontier';
import { inclusionProof, rootFromLeafHashes, verifyInclusion } from '../../../src/transparency/domain/merkle';

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

const EXAMPLE: CustodyLeaf = {
  v: 1,
  logIndex: 41,
  lotId: '0190a5b2-7c1e-7d3a-9f00-3b5c2e8d4a11',
  seq: 3,
  eventHash: sha256hex('event'),
};

/** The documented byte layout, written by hand (what an auditor would printf). */
const byHand = (l: CustodyLeaf): string =>
  `{"eventHash":"${l.eventHash}","logIndex":${l.logIndex},"lotId":"${l.lotId}","seq":${l.seq},"v":1}`;

describe('custody leaf encoding', () => {
  it('is the RFC 8785 canonical JSON, keys sorted, no whitespace', () => {
    assert.equal(
      encodeCustodyLeaf(EXAMPLE).toString('utf8'),
      '{"eventHash":"b8e1f80bd70ae0784c7855a451731b745fddb67749d23f637be9082b75e9575b","logIndex":41,' +
        '"lotId":"0190a5b2-7c1e-7d3a-9f00-3b5c2e8d4a11","seq":3,"v":1}',
    );
  });

  it('the leaf hash is SHA-256(0x00 || leaf bytes)', () => {
    const expected = createHash('sha256')
      .update(Buffer.from([0]))
      .update(byHand(EXAMPLE))
      .digest('hex');
    assert.equal(custodyLeafHash(EXAMPLE).toString('hex'), expected);
  });

  it('equals the hand-written layout for any valid field values (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.uuid(),
        fc.maxSafeNat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (logIndex, lotId, seq, hash) => {
          const leaf = custodyLeaf({ logIndex, lotId, seq, eventHash: Buffer.from(hash).toString('hex') });
          assert.equal(encodeCustodyLeaf(leaf).toString('utf8'), byHand(leaf));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every field is bound: changing any one changes the leaf hash', () => {
    const base = custodyLeafHash(EXAMPLE).toString('hex');
    const variants: CustodyLeaf[] = [
      { ...EXAMPLE, logIndex: 42 },
      { ...EXAMPLE, seq: 4 },
      { ...EXAMPLE, lotId: '0190a5b2-7c1e-7d3a-9f00-3b5c2e8d4a12' },
      { ...EXAMPLE, eventHash: sha256hex('event!') },
    ];
    for (const v of variants) assert.notEqual(custodyLeafHash(v).toString('hex'), base);
  });

  it('refuses values that would have more than one spelling or are not what the log stores', () => {
    const bad: [Partial<Record<keyof CustodyLeaf, unknown>>, RegExp][] = [
      [{ logIndex: -1 }, /logIndex/],
      [{ logIndex: 1.5 }, /logIndex/],
      [{ logIndex: 2 ** 53 }, /logIndex/],
      [{ logIndex: '41' }, /logIndex/],
      [{ seq: -1 }, /seq/],
      [{ lotId: '0190A5B2-7C1E-7D3A-9F00-3B5C2E8D4A11' }, /lotId/],
      [{ lotId: 'lot-1' }, /lotId/],
      [{ eventHash: sha256hex('x').toUpperCase() }, /eventHash/],
      [{ eventHash: sha256hex('x').slice(2) }, /eventHash/],
      [{ v: 2 }, /v must be 1/],
    ];
    for (const [change, message] of bad) {
      const parsed = parseCustodyLeaf({ ...EXAMPLE, ...change });
      assert.equal(parsed.ok, false, JSON.stringify(change));
      if (!parsed.ok) assert.match(parsed.errors.join('; '), message);
    }
    assert.deepEqual(parseCustodyLeaf({ ...EXAMPLE, extra: 1 }), { ok: false, errors: ['unknown field "extra"'] });
    assert.equal(parseCustodyLeaf(null).ok, false);
    assert.equal(parseCustodyLeaf([EXAMPLE]).ok, false);
    assert.throws(() => custodyLeaf({ ...EXAMPLE, seq: -2 }), /invalid custody leaf: seq/);
    assert.throws(() => encodeCustodyLeaf({ ...EXAMPLE, lotId: 'x' }), TypeError);
  });

  it('a tampered event (its chain hash changed) no longer proves inclusion', async () => {
    const leaves = Array.from({ length: 11 }, (_, i) =>
      custodyLeaf({
        logIndex: i,
        lotId: EXAMPLE.lotId,
        seq: i + 1,
        eventHash: sha256hex(`event ${i}`),
      }),
    );
    const hashes = leaves.map(custodyLeafHash);
    const root = rootFromLeafHashes(hashes);
    const proof = await inclusionProof(6, 11, new MemoryLeafHashSource(hashes));
    assert.ok(verifyInclusion(custodyLeafHash(leaves[6]), 6, 11, proof, root));
    const tampered = { ...leaves[6], eventHash: sha256hex('event 6, quantity edited') };
    assert.equal(verifyInclusion(custodyLeafHash(tampered), 6, 11, proof, root), false);
    const moved = { ...leaves[6], logIndex: 7 };
    assert.equal(verifyInclusion(custodyLeafHash(moved), 6, 11, proof, root), false);
  });
});
