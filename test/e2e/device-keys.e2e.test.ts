import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { addMember, createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const newPublicKey = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;

describe('member device keys', () => {
  let t: TestApp;
  let admin: Actor;
  let driver: Actor;
  let otherDriver: Actor;
  let stranger: Actor;
  before(async () => {
    t = await startTestApp();
    admin = await createActor(t, { roles: ['TRANSPORTER'] });
    driver = await addMember(t, admin.organisationId, 'DRIVER');
    otherDriver = await addMember(t, admin.organisationId, 'DRIVER');
    stranger = await createActor(t, { roles: ['TRANSPORTER'] });
  });
  after(() => t.close());

  it('401 without a key', async () => {
    await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .send({ label: 'x', publicKey: newPublicKey() })
      .expect(401);
  });

  it('a driver registers its own key; the row is stored', async () => {
    const publicKey = newPublicKey();
    const res = await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'phone', publicKey })
      .expect(201);
    assert.equal(res.body.publicKey, publicKey);
    const row = await t.db.query('SELECT member_id, created_by FROM member_device_keys WHERE id = $1', [res.body.id]);
    assert.deepEqual(row.rows[0], { member_id: driver.memberId, created_by: `member:${driver.memberId}` });
  });

  it('a driver cannot manage another member’s keys (404); an admin can', async () => {
    await t
      .http()
      .post(`/v1/members/${otherDriver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'x', publicKey: newPublicKey() })
      .expect(404);
    await t
      .http()
      .post(`/v1/members/${otherDriver.memberId}/device-keys`)
      .set(admin.auth)
      .send({ label: 'x', publicKey: newPublicKey() })
      .expect(201);
  });

  it('another organisation gets 404', async () => {
    await t.http().get(`/v1/members/${driver.memberId}/device-keys`).set(stranger.auth).expect(404);
  });

  it('400 for a malformed key or unknown fields; 409 for a duplicate', async () => {
    await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'x', publicKey: 'abc' })
      .expect(400);
    await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'x', publicKey: newPublicKey(), extra: 1 })
      .expect(400);
    const publicKey = newPublicKey();
    await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'a', publicKey })
      .expect(201);
    const dup = await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'b', publicKey })
      .expect(409);
    assert.equal(dup.body.code, 'device-key-exists');
  });

  it('revocation is recorded', async () => {
    const created = await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys`)
      .set(driver.auth)
      .send({ label: 'old', publicKey: newPublicKey() })
      .expect(201);
    const res = await t
      .http()
      .post(`/v1/members/${driver.memberId}/device-keys/${created.body.id}/revoke`)
      .set(admin.auth)
      .expect(200);
    assert.ok(res.body.revokedAt);
    const list = await t.http().get(`/v1/members/${driver.memberId}/device-keys`).set(driver.auth).expect(200);
    assert.ok(
      (list.body as Array<{ id: string; revokedAt: string | null }>).find((k) => k.id === created.body.id)?.revokedAt,
    );
  });
});
