import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { chinaYear, manifestNumber, parseManifestNumber } from '../../src/manifests/domain/manifest-number';
import {
  MANIFEST_ACTIONS,
  MANIFEST_STATUSES,
  TRANSITIONS,
  transition,
  type ActingParty,
  type ManifestPosition,
} from '../../src/manifests/domain/manifest-state-machine';
import { importEd25519PublicKey, signingBytes, verifyStepSignature } from '../../src/manifests/domain/step-signature';

const consignor: ActingParty = { consignor: true, consignee: false, carrierIndexes: [] };
const consignee: ActingParty = { consignor: false, consignee: true, carrierIndexes: [] };
const carrier = (...i: number[]): ActingParty => ({ consignor: false, consignee: false, carrierIndexes: i });
const at = (
  status: ManifestPosition['status'],
  currentCarrier: number | null = null,
  carrierCount = 2,
): ManifestPosition => ({
  status,
  carrierCount,
  currentCarrier,
});

describe('manifest state machine', () => {
  it('walks the happy path with two carriers', () => {
    let p = at('DRAFT');
    const step = (
      action: (typeof MANIFEST_ACTIONS)[number],
      party: ActingParty,
      decisions: ('ACCEPTED' | 'REJECTED')[] = [],
    ) => {
      const r = transition(p, action, party, decisions);
      assert.ok(r.ok, JSON.stringify(r));
      p = { ...p, status: r.to, currentCarrier: r.currentCarrier };
    };
    step('submit', consignor);
    step('pickup', carrier(0));
    assert.equal(p.currentCarrier, 0);
    step('relay', carrier(1));
    assert.equal(p.currentCarrier, 1);
    step('deliver', consignee);
    step('receive', consignee, ['ACCEPTED', 'ACCEPTED']);
    assert.equal(p.status, 'RECEIVED');
    step('complete', consignee);
    assert.equal(p.status, 'COMPLETED');
  });

  it('every action from every state outside its table is refused with the current state', () => {
    for (const action of MANIFEST_ACTIONS) {
      for (const status of MANIFEST_STATUSES) {
        if (TRANSITIONS[action].from.includes(status)) continue;
        const r = transition(at(status, 0), action, { consignor: true, consignee: true, carrierIndexes: [0, 1] });
        assert.deepEqual(r, {
          ok: false,
          refusal: { kind: 'invalid-state', status, allowedFrom: TRANSITIONS[action].from },
        });
      }
    }
  });

  it('only the right party may act', () => {
    assert.equal(transition(at('DRAFT'), 'submit', consignee).ok, false);
    assert.equal(transition(at('SUBMITTED'), 'pickup', carrier(1)).ok, false);
    assert.equal(transition(at('IN_TRANSIT', 0), 'relay', carrier(0)).ok, false);
    assert.equal(transition(at('IN_TRANSIT', 1), 'deliver', carrier(1)).ok, false);
    assert.equal(transition(at('DELIVERED', 1), 'receive', consignor).ok, false);
  });

  it('delivery waits for every carrier leg; relay needs a next carrier', () => {
    assert.deepEqual(transition(at('IN_TRANSIT', 0), 'deliver', consignee), {
      ok: false,
      refusal: { kind: 'carriers-pending', currentCarrier: 0, carrierCount: 2 },
    });
    assert.equal(transition(at('IN_TRANSIT', 1), 'relay', carrier(1, 2)).ok, false);
  });

  it('reception outcome follows the line decisions', () => {
    const r = (d: ('ACCEPTED' | 'PARTIALLY_REJECTED' | 'REJECTED')[]) =>
      transition(at('DELIVERED', 1), 'receive', consignee, d);
    assert.deepEqual(r(['ACCEPTED']), { ok: true, to: 'RECEIVED', currentCarrier: 1 });
    assert.deepEqual(r(['REJECTED', 'REJECTED']), { ok: true, to: 'REJECTED', currentCarrier: 1 });
    assert.deepEqual(r(['ACCEPTED', 'REJECTED']), { ok: true, to: 'PARTIALLY_REJECTED', currentCarrier: 1 });
    assert.deepEqual(r(['PARTIALLY_REJECTED']), { ok: true, to: 'PARTIALLY_REJECTED', currentCarrier: 1 });
  });
});

describe('manifest number (Art 15)', () => {
  it('is year + city + 6-digit serial', () => {
    assert.equal(manifestNumber(2026, '371502', 42), '20263715000042');
    assert.deepEqual(parseManifestNumber('20263715000042'), { year: 2026, city: '3715', serial: 42 });
    assert.throws(() => manifestNumber(2026, '371502', 1_000_000));
  });
  it('the year is China time', () => {
    assert.equal(chinaYear(new Date('2026-12-31T16:30:00Z')), 2027);
    assert.equal(chinaYear(new Date('2026-12-31T15:59:59Z')), 2026);
  });
});

describe('step signatures (Ed25519 over RFC 8785 JSON)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  const payload = { manifestId: 'm1', action: 'pickup', occurredAt: '2026-11-28T08:00:00.000Z', location: '聊城' };

  it('verifies a signature made over the canonical bytes, whatever the key order', () => {
    const signature = sign(
      null,
      signingBytes({ location: '聊城', occurredAt: payload.occurredAt, action: 'pickup', manifestId: 'm1' }),
      privateKey,
    ).toString('base64url');
    const key = importEd25519PublicKey(raw);
    assert.ok(key);
    assert.equal(verifyStepSignature(key, payload, signature), true);
    assert.equal(verifyStepSignature(key, { ...payload, location: '济南' }, signature), false);
    assert.equal(verifyStepSignature(key, payload, 'A'.repeat(86)), false);
    assert.equal(verifyStepSignature(key, payload, 'short'), false);
  });
  it('rejects malformed public keys', () => {
    assert.equal(importEd25519PublicKey('nope'), null);
  });
});
