import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogueService } from '../../src/catalogue/catalogue.service';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;

interface CodeItem {
  code: string;
  category: string;
  descriptionZh: string;
  hazard: { raw: string; mode: string; listed: string[]; certain: string[] };
  medicalClass: string | null;
}

describe('catalogue read API', () => {
  let t: TestApp;
  let driver: Actor;

  before(async () => {
    t = await startTestApp();
    driver = await createActor(t, { roles: ['TRANSPORTER'], memberRole: 'DRIVER' });
  });
  after(() => t.close());

  /** Walks every page of a waste-code query. */
  async function allCodes(query: string): Promise<CodeItem[]> {
    const items: CodeItem[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/catalogue/waste-codes?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.http().get(url).set(driver.auth).expect(200);
      items.push(...(page.body.items as CodeItem[]));
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  const one = async (code: string, query = 'edition=CN-HW-2021') =>
    (await t.http().get(`/v1/catalogue/waste-codes/${code}?${query}`).set(driver.auth).expect(200)).body;

  describe('auth matrix', () => {
    for (const path of [
      '/v1/catalogue/waste-codes',
      '/v1/catalogue/waste-codes/900-214-08',
      '/v1/catalogue/categories',
      '/v1/catalogue/medical-classes',
      '/v1/catalogue/editions',
      '/v1/catalogue/operation-codes',
    ]) {
      it(`401 without a key, 200 for any member and for the admin: ${path}`, async () => {
        const res = await t.http().get(path).expect(401);
        assert.match(res.headers['content-type'], PROBLEM);
        await t.http().get(path).set(driver.auth).expect(200);
        await t.http().get(path).set(t.admin).expect(200);
      });
    }
    it('400 for bad query parameters, naming the field', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['category=HW8', 'category'],
        ['hazard=X', 'hazard'],
        ['hazardCertain=maybe', 'hazardCertain'],
        ['date=2025-02-29', 'date'],
        ['sort=code', 'sort'],
        ['cursor=garbage', 'cursor'],
        ['edition=CN-HW-2021&date=2022-01-01', 'edition'],
      ]) {
        const res = await t.http().get(`/v1/catalogue/waste-codes?${query}`).set(driver.auth).expect(400);
        assert.equal(res.body.code, 'validation-failed', query);
        assert.ok(
          (res.body.errors as Array<{ field: string }>).some((e) => e.field === field),
          `${query}: ${JSON.stringify(res.body.errors)}`,
        );
      }
    });
  });

  describe('the 2021 edition', () => {
    it('has exactly 467 codes, each once, in code order', async () => {
      const codes = await allCodes('edition=CN-HW-2021');
      assert.equal(codes.length, 467);
      assert.equal(new Set(codes.map((c) => c.code)).size, 467);
      const sorted = [...codes.map((c) => c.code)].sort();
      assert.deepEqual(
        codes.map((c) => c.code),
        sorted,
      );
    });
    it('has exactly 46 categories with Chinese and English names and code counts summing to 467', async () => {
      const res = await t.http().get('/v1/catalogue/categories?edition=CN-HW-2021').set(driver.auth).expect(200);
      const items = res.body.items as Array<{ category: string; nameZh: string; nameEn: string; codeCount: number }>;
      assert.equal(items.length, 46);
      assert.ok(!items.some((c) => ['HW41', 'HW42', 'HW43', 'HW44'].includes(c.category)));
      const hw08 = items.find((c) => c.category === 'HW08');
      assert.equal(hw08?.nameZh, '废矿物油与含矿物油废物');
      assert.ok(hw08?.nameEn);
      assert.equal(hw08?.codeCount, 32);
      assert.equal(
        items.reduce((n, c) => n + c.codeCount, 0),
        467,
      );
    });
    it('900-214-08 waste engine oil: HW08, T,I = toxic certainly, ignitable possibly', async () => {
      const c = await one('900-214-08');
      assert.equal(c.category, 'HW08');
      assert.equal(c.categoryNameZh, '废矿物油与含矿物油废物');
      assert.equal(c.industryCode, '900');
      assert.equal(c.industrySourceZh, '非特定行业');
      assert.match(c.descriptionZh, /废发动机油/);
      assert.deepEqual(c.hazard, {
        raw: 'T,I',
        mode: 'FIRST_CERTAIN_OTHERS_POSSIBLE',
        listed: ['T', 'I'],
        certain: ['T'],
      });
      assert.equal(c.medicalClass, null);
      assert.equal(c.edition.id, 'CN-HW-2021');
    });
    it('900-052-31 waste lead-acid batteries: HW31, T,C', async () => {
      const c = await one('900-052-31');
      assert.equal(c.category, 'HW31');
      assert.match(c.descriptionZh, /^废铅蓄电池/);
      assert.deepEqual(c.hazard, {
        raw: 'T,C',
        mode: 'FIRST_CERTAIN_OTHERS_POSSIBLE',
        listed: ['T', 'C'],
        certain: ['T'],
      });
    });
    it('841-001-01 infectious waste: HW01, In, medical class INFECTIOUS', async () => {
      const c = await one('841-001-01');
      assert.equal(c.category, 'HW01');
      assert.equal(c.descriptionZh, '感染性废物');
      assert.deepEqual(c.hazard, { raw: 'In', mode: 'SINGLE', listed: ['In'], certain: ['In'] });
      assert.equal(c.medicalClass, 'INFECTIOUS');
    });
    it('900-041-49 contaminated packaging: T/In = one or more, none certain alone', async () => {
      const c = await one('900-041-49');
      assert.equal(c.category, 'HW49');
      assert.deepEqual(c.hazard, { raw: 'T/In', mode: 'ONE_OR_MORE', listed: ['T', 'In'], certain: [] });
    });
  });

  describe('filters', () => {
    it('category', async () => {
      const codes = await allCodes('edition=CN-HW-2021&category=HW01');
      assert.deepEqual(
        codes.map((c) => c.code),
        ['841-001-01', '841-002-01', '841-003-01', '841-004-01', '841-005-01'],
      );
    });
    it('hazard characteristic: listed, or only where certain', async () => {
      const listed = await allCodes('edition=CN-HW-2021&hazard=In');
      assert.equal(listed.length, 6, 'In ×3, T/In ×2, T/C/I/R/In ×1');
      const certain = await allCodes('edition=CN-HW-2021&hazard=In&hazardCertain=true');
      assert.deepEqual(certain.map((c) => c.code).sort(), ['841-001-01', '841-002-01', '841-003-01']);
      const ignitable = await allCodes('edition=CN-HW-2021&hazard=I&hazardCertain=true');
      assert.ok(ignitable.every((c) => c.hazard.certain.includes('I')));
      assert.ok(!ignitable.some((c) => c.code === '900-214-08'), 'I is only possible for T,I');
    });
    it('medical class', async () => {
      const codes = await allCodes('edition=CN-HW-2021&medicalClass=SHARPS');
      assert.deepEqual(
        codes.map((c) => c.code),
        ['841-002-01'],
      );
    });
    it('text search in the Chinese description', async () => {
      const codes = await allCodes(`edition=CN-HW-2021&q=${encodeURIComponent('铅蓄电池')}`);
      assert.ok(codes.some((c) => c.code === '900-052-31'));
      assert.ok(codes.every((c) => c.descriptionZh.includes('铅蓄电池')));
    });
    it('industry by code or by name', async () => {
      assert.equal((await allCodes('edition=CN-HW-2021&industry=841')).length, 5);
      assert.equal((await allCodes(`edition=CN-HW-2021&industry=${encodeURIComponent('卫生')}`)).length, 5);
      assert.equal((await allCodes('edition=CN-HW-2021&industry=900')).length, 95);
    });
    it('filters combine', async () => {
      const codes = await allCodes('edition=CN-HW-2021&category=HW08&hazard=I&industry=900');
      assert.ok(codes.length > 0);
      assert.ok(codes.every((c) => c.category === 'HW08' && c.code.startsWith('900') && c.hazard.listed.includes('I')));
    });
  });

  describe('editions and dates', () => {
    it('a date inside the 2021 edition selects it, in force', async () => {
      const res = await t.http().get('/v1/catalogue/waste-codes?date=2024-12-31&limit=1').set(driver.auth).expect(200);
      assert.equal(res.body.edition.id, 'CN-HW-2021');
      assert.equal(res.body.edition.inForce, true);
    });
    it('today (no later edition loaded) answers with the 2021 edition marked not in force', async () => {
      const res = await t.http().get('/v1/catalogue/waste-codes?limit=1').set(driver.auth).expect(200);
      assert.equal(res.body.edition.id, 'CN-HW-2021');
      assert.equal(res.body.edition.effectiveTo, '2025-01-01');
      assert.equal(res.body.edition.inForce, false);
    });
    it('404 before the first edition, and for an unknown edition', async () => {
      const res = await t.http().get('/v1/catalogue/waste-codes?date=2020-12-31').set(driver.auth).expect(404);
      assert.match(res.headers['content-type'], PROBLEM);
      await t.http().get('/v1/catalogue/waste-codes?edition=CN-HW-1999').set(driver.auth).expect(404);
    });
    it('lists editions with their effective dates', async () => {
      const res = await t.http().get('/v1/catalogue/editions').set(driver.auth).expect(200);
      const e = (res.body.items as Array<{ id: string; effectiveFrom: string; effectiveTo: string }>).find(
        (x) => x.id === 'CN-HW-2021',
      );
      assert.equal(e?.effectiveFrom, '2021-01-01');
      assert.equal(e?.effectiveTo, '2025-01-01');
    });
    it('a cursor of one query does not leak into another edition', async () => {
      const page = await t
        .http()
        .get('/v1/catalogue/waste-codes?edition=CN-HW-2021&limit=2')
        .set(driver.auth)
        .expect(200);
      assert.ok(page.body.nextCursor);
      const forged = Buffer.from(JSON.stringify(['100-000-00', 'OTHER'])).toString('base64url');
      const res = await t
        .http()
        .get(`/v1/catalogue/waste-codes?edition=CN-HW-2021&cursor=${forged}`)
        .set(driver.auth)
        .expect(400);
      assert.equal(res.body.errors[0].field, 'cursor');
    });
  });

  describe('one code', () => {
    it('400 for a malformed code, 404 for an unlisted one, 404 for 900-000-XX (not listed)', async () => {
      const bad = await t.http().get('/v1/catalogue/waste-codes/90021408').set(driver.auth).expect(400);
      assert.equal(bad.body.errors[0].field, 'code');
      await t.http().get('/v1/catalogue/waste-codes/999-999-99?edition=CN-HW-2021').set(driver.auth).expect(404);
      const identified = await t
        .http()
        .get('/v1/catalogue/waste-codes/900-000-49?edition=CN-HW-2021')
        .set(driver.auth)
        .expect(404);
      assert.match(identified.body.detail, /identification/);
    });
  });

  it('medical classes map to their HW01 codes (chemical 841-004-01, pharmaceutical 841-005-01)', async () => {
    const res = await t.http().get('/v1/catalogue/medical-classes?edition=CN-HW-2021').set(driver.auth).expect(200);
    const map = Object.fromEntries(
      (res.body.items as Array<{ classCode: string; hwCode: string }>).map((c) => [c.classCode, c.hwCode]),
    );
    assert.deepEqual(map, {
      INFECTIOUS: '841-001-01',
      SHARPS: '841-002-01',
      PATHOLOGICAL: '841-003-01',
      CHEMICAL: '841-004-01',
      PHARMACEUTICAL: '841-005-01',
    });
  });

  describe('operation codes', () => {
    it('EU R1–R13 and D1–D15, with exactly R12, R13, D13, D14, D15 interim', async () => {
      const res = await t.http().get('/v1/catalogue/operation-codes?scheme=EU_WFD').set(driver.auth).expect(200);
      const items = res.body.items as Array<{ code: string; kind: string; interim: boolean; mode: string }>;
      assert.deepEqual(
        items.map((o) => o.code),
        [...Array.from({ length: 13 }, (_, i) => `R${i + 1}`), ...Array.from({ length: 15 }, (_, i) => `D${i + 1}`)],
      );
      assert.deepEqual(
        items.filter((o) => o.interim).map((o) => o.code),
        ['R12', 'R13', 'D13', 'D14', 'D15'],
      );
      assert.ok(
        items.filter((o) => o.code.startsWith('R')).every((o) => o.kind === 'RECOVERY' && o.mode === 'UTILISATION'),
      );
      assert.ok(
        items.filter((o) => o.code.startsWith('D')).every((o) => o.kind === 'DISPOSAL' && o.mode === 'DISPOSAL'),
      );
    });
    it('the Chinese licence modes 收集 贮存 利用 处置', async () => {
      const res = await t
        .http()
        .get('/v1/catalogue/operation-codes?scheme=CN_LICENCE_MODE')
        .set(driver.auth)
        .expect(200);
      assert.deepEqual(
        (res.body.items as Array<{ code: string; nameZh: string }>).map((o) => `${o.code}:${o.nameZh}`),
        ['COLLECTION:收集', 'STORAGE:贮存', 'UTILISATION:利用', 'DISPOSAL:处置'],
      );
    });
    it('the Chinese utilisation/disposal methods, with their source', async () => {
      const res = await t.http().get('/v1/catalogue/operation-codes?scheme=CN_HW_METHOD').set(driver.auth).expect(200);
      const byCode = new Map(
        (res.body.items as Array<{ code: string; nameZh: string; kind: string; source: string }>).map((o) => [
          o.code,
          o,
        ]),
      );
      assert.equal(byCode.get('D10')?.nameZh, '焚烧');
      assert.equal(byCode.get('R9')?.kind, 'RECOVERY');
      assert.equal(byCode.get('Y11')?.kind, 'DISPOSAL');
      assert.match(byCode.get('D1')?.source ?? '', /2009年第55号/);
    });
    it('all schemes without a filter; 400 for an unknown scheme', async () => {
      const all = await t.http().get('/v1/catalogue/operation-codes').set(driver.auth).expect(200);
      assert.equal(all.body.items.length, 4 + 22 + 28);
      const res = await t.http().get('/v1/catalogue/operation-codes?scheme=US_RCRA').set(driver.auth).expect(400);
      assert.equal(res.body.errors[0].field, 'scheme');
    });
  });

  describe('CatalogueService.resolve (used to validate lots)', () => {
    it('accepts 900-000-XX only with an identification reference, and only for a real category', async () => {
      const catalogue = t.app.get(CatalogueService);
      assert.deepEqual(await catalogue.resolve('900-000-49', '2022-05-01'), {
        ok: false,
        reason: 'identification-required',
      });
      assert.deepEqual(await catalogue.resolve('900-000-49', '2022-05-01', '   '), {
        ok: false,
        reason: 'identification-required',
      });
      const ok = await catalogue.resolve('900-000-49', '2022-05-01', '鉴别报告 2022-017');
      assert.equal(ok.ok, true);
      assert.ok(ok.ok && ok.identified && ok.category === 'HW49' && ok.code === null);
      assert.deepEqual(await catalogue.resolve('900-000-43', '2022-05-01', 'report'), {
        ok: false,
        reason: 'unknown-category',
      });
    });
    it('validates listed codes against the edition in force on the date', async () => {
      const catalogue = t.app.get(CatalogueService);
      const r = await catalogue.resolve('900-214-08', '2021-01-01');
      assert.ok(r.ok && r.edition.id === 'CN-HW-2021' && r.editionInForce && r.code?.hazardRaw === 'T,I');
      assert.deepEqual(await catalogue.resolve('900-214-08', '2020-12-31'), { ok: false, reason: 'no-edition' });
      assert.deepEqual(await catalogue.resolve('999-999-99', '2022-01-01'), { ok: false, reason: 'unknown-code' });
      assert.deepEqual(await catalogue.resolve('900-214-8', '2022-01-01'), { ok: false, reason: 'malformed' });
    });
    it('past the last loaded edition, checks provisionally against it and says so', async () => {
      const r = await t.app.get(CatalogueService).resolve('900-214-08', '2026-11-28');
      assert.ok(r.ok);
      assert.equal(r.edition.id, 'CN-HW-2021');
      assert.equal(r.editionInForce, false);
    });
  });
});
