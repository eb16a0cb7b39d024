import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chinaCalendarYear, parsePeriodBound, reportPeriod } from '../../src/common/time/report-period';
import { decideReadScope, regionBounds } from '../../src/common/auth/read-scope';
import type { MemberPrincipal, PlatformAdminPrincipal } from '../../src/common/auth/principal';

describe('report periods (China time)', () => {
  it('defaults to the current China calendar year', () => {
    // 2024-12-31T17:00Z is already 2025-01-01 01:00 in China.
    const p = reportPeriod(undefined, undefined, new Date('2024-12-31T17:00:00Z'))!;
    assert.equal(p.from.toISOString(), '2024-12-31T16:00:00.000Z');
    assert.equal(p.to.toISOString(), '2025-12-31T16:00:00.000Z');
  });

  it('dates are China days, `to` inclusive; instants are taken as they are', () => {
    const p = reportPeriod('2024-01-01', '2024-03-31')!;
    assert.equal(p.from.toISOString(), '2023-12-31T16:00:00.000Z');
    assert.equal(p.to.toISOString(), '2024-03-31T16:00:00.000Z');
    const q = reportPeriod('2024-01-01T00:00:00Z', '2024-02-01T00:00:00+08:00')!;
    assert.equal(q.from.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(q.to.toISOString(), '2024-01-31T16:00:00.000Z');
  });

  it('one bound alone extends to its calendar year; an empty or reversed period is refused', () => {
    assert.deepEqual(reportPeriod('2024-06-01', undefined)!.to, chinaCalendarYear(2024).to);
    assert.deepEqual(reportPeriod(undefined, '2024-06-30')!.from, chinaCalendarYear(2024).from);
    assert.equal(reportPeriod('2024-06-01', '2024-05-31'), null);
    assert.equal(reportPeriod('2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z'), null);
    assert.equal(parsePeriodBound('2024-02-30', 'from'), null);
    assert.equal(parsePeriodBound('2024-06-01T00:00:00', 'from'), null); // no zone
  });
});

const member = (over: Partial<MemberPrincipal> = {}): MemberPrincipal => ({
  kind: 'member',
  credentialId: 'k',
  scopes: ['read', 'write'] as MemberPrincipal['scopes'],
  actor: 'a',
  memberId: 'm',
  memberName: 'n',
  memberRole: 'ADMIN' as MemberPrincipal['memberRole'],
  organisationId: 'own',
  organisationRoles: ['GENERATOR'] as MemberPrincipal['organisationRoles'],
  regionCode: '371502',
  jurisdictionPrefix: null,
  ...over,
});
const regulator = member({
  organisationId: 'reg',
  organisationRoles: ['REGULATOR'] as MemberPrincipal['organisationRoles'],
  jurisdictionPrefix: '3715',
  regionCode: '371500',
});
const admin: PlatformAdminPrincipal = { kind: 'platform-admin', credentialId: 'env', scopes: [], actor: 'admin' };

describe('read scope', () => {
  it('a party reads only itself; naming another organisation is not found', () => {
    assert.deepEqual(decideReadScope(member(), {}, undefined), {
      ok: true,
      scope: { kind: 'organisation', organisationId: 'own', regionCode: '371502' },
    });
    assert.equal(decideReadScope(member(), { organisationId: 'x' }, { id: 'x', regionCode: '371502' }).ok, false);
    assert.equal(decideReadScope(member(), { region: '11' }, undefined).ok, false);
  });

  it('a regulator reads its jurisdiction, a narrower region, or an organisation in it', () => {
    assert.deepEqual(decideReadScope(regulator, {}, undefined), {
      ok: true,
      scope: { kind: 'region', prefix: '3715' },
    });
    assert.deepEqual(decideReadScope(regulator, { region: '371502' }, undefined), {
      ok: true,
      scope: { kind: 'region', prefix: '371502' },
    });
    assert.equal(decideReadScope(regulator, { region: '37' }, undefined).ok, false);
    assert.equal(decideReadScope(regulator, { region: '3701' }, undefined).ok, false);
    assert.equal(decideReadScope(regulator, { organisationId: 'x' }, { id: 'x', regionCode: '370102' }).ok, false);
    assert.equal(decideReadScope(regulator, { organisationId: 'x' }, { id: 'x', regionCode: '371521' }).ok, true);
    assert.equal(decideReadScope(regulator, { organisationId: 'x' }, null).ok, false);
  });

  it('the platform admin reads anything', () => {
    assert.deepEqual(decideReadScope(admin, {}, undefined), { ok: true, scope: { kind: 'all' } });
    assert.deepEqual(decideReadScope(admin, { region: '11' }, undefined), {
      ok: true,
      scope: { kind: 'region', prefix: '11' },
    });
    assert.deepEqual(regionBounds('3715'), ['371500', '371599']);
  });
});
