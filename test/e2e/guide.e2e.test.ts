import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { creditCodeCheckCharacter } from '../../src/organisations/domain/credit-code';
import { GuideRecorder } from '../support/guide-recorder';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/**
 * The API guide (docs/guide.md) is rendered from the requests this scenario makes. The test
 * fails when the committed guide differs from what the API answers today; regenerate it with
 * `npm run guide`.
 */
const GUIDE = join(__dirname, '..', '..', '..', 'docs', 'guide.md');

describe('API guide scenario (docs/guide.md)', () => {
  let t: TestApp;
  let rec: GuideRecorder;
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp({ OUTBOX_POLL_MS: '20' }, { worker: true });
    rec = new GuideRecorder(t);
    rec.persona(ADMIN_KEY, 'ADMIN_KEY');
  });
  after(() => t.close());

  /** Fixed codes keep the page stable: the template's last character is replaced by its check character. */
  const org = async (key: string, name: string, roles: string[], region: string, template: string) => {
    const code = template.slice(0, 17) + creditCodeCheckCharacter(template.slice(0, 17));
    const res = await rec.call(`create ${key}`, 'ADMIN_KEY', ADMIN_KEY, 'POST', '/v1/organisations', {
      name,
      roles,
      registrationCode: code,
      regionCode: region,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids[key] = res.body.id;
    rec.name(res.body.id, `${key}-org`);
    const member = await rec.call(`member ${key}`, 'ADMIN_KEY', ADMIN_KEY, 'POST', '/v1/members', {
      organisationId: res.body.id,
      name: `${name} 经办人`,
      role: 'ADMIN',
    });
    rec.name(member.body.id, `${key}-member`);
    const apiKey = await rec.call(`key ${key}`, 'ADMIN_KEY', ADMIN_KEY, 'POST', '/v1/api-keys', {
      memberId: member.body.id,
      name: 'office PC',
    });
    rec.name(apiKey.body.id, `${key}-key`);
    keys[key] = apiKey.body.token;
    rec.persona(apiKey.body.token, `${key.toUpperCase()}_KEY`);
  };

  it('walks the API as its users live it', async () => {
    // Set-up by the platform administrator.
    await org('generator', '东昌府区顺达汽车维修部', ['GENERATOR'], '371502', '92371502MA3C4KXU1A');
    await org('carrier', '聊城顺安危险货物运输有限公司', ['TRANSPORTER'], '371502', '91371500MA3C0007XA');
    await org('facility', '济南市危险废物处置中心', ['TREATER'], '370112', '91370100MA3C0009XA');
    await org('regulator', '山东省生态环境厅', ['REGULATOR'], '370000', '11370000MB2850000A');

    // The regulator records licences.
    for (const [holder, body] of [
      ['carrier', { kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT', operationModes: ['TRANSPORT'] }],
      [
        'facility',
        {
          kind: 'HW_OPERATING_COMPREHENSIVE',
          operationModes: ['STORAGE', 'UTILISATION'],
          annualCapacityTonnes: '5000',
          facilityAddress: '济南市章丘区',
        },
      ],
    ] as const) {
      const res = await rec.call(`permit ${holder}`, 'REGULATOR_KEY', keys.regulator, 'POST', '/v1/permits', {
        organisationId: ids[holder],
        number: holder === 'carrier' ? '鲁交运管许可聊字371502000123号' : '鲁危证01-0123',
        wasteCodes: [],
        wasteCategories: ['HW08'],
        validFrom: '2024-01-01',
        validTo: '2028-12-31',
        issuer: '山东省生态环境厅',
        ...body,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      rec.name(res.body.id, `${holder}-permit`);
    }
    const check = await rec.call(
      'permit check',
      'GENERATOR_KEY',
      keys.generator,
      'GET',
      `/v1/permits/check?organisationId=${ids.facility}&wasteCode=900-214-08&operation=R9&date=2026-10-20&quantity=0.2&unit=t`,
    );
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.equal(check.body.allowed, true);

    // The generator registers a drum of waste engine oil and stores it.
    const lot = await rec.call('register lot', 'GENERATOR_KEY', keys.generator, 'POST', '/v1/lots', {
      wasteCode: '900-214-08',
      quantity: { value: '200', unit: 'kg' },
      quantityMethod: 'WEIGHED',
      physicalForm: 'LIQUID',
      packagingType: 'DRUM',
      containerCount: 1,
      mainConstituents: ['废机油'],
      hazardousConstituents: ['矿物油'],
      facilityCode: 'SD-01',
      handlerName: '张三',
      occurredAt: '2026-10-19T09:00:00+08:00',
    });
    assert.equal(lot.status, 201, JSON.stringify(lot.body));
    rec.name(lot.body.id, 'lot');
    const stored = await rec.call(
      'store lot',
      'GENERATOR_KEY',
      keys.generator,
      'POST',
      `/v1/lots/${lot.body.id}/events`,
      {
        type: 'STORED',
        occurredAt: '2026-10-19T09:30:00+08:00',
        handlerName: '张三',
        location: { code: 'ZC-01', type: 'WAREHOUSE' },
      },
    );
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
    const tooPrecise = await rec.call('error: too precise', 'GENERATOR_KEY', keys.generator, 'POST', '/v1/lots', {
      wasteCode: '900-214-08',
      quantity: { value: '1.0005', unit: 'kg' },
      quantityMethod: 'WEIGHED',
      physicalForm: 'LIQUID',
      packagingType: 'DRUM',
      containerCount: 1,
      facilityCode: 'SD-01',
      handlerName: '张三',
      occurredAt: '2026-10-19T09:00:00+08:00',
    });
    assert.equal(tooPrecise.status, 400);

    // The generator drafts and signs the manifest.
    const manifest = await rec.call('draft manifest', 'GENERATOR_KEY', keys.generator, 'POST', '/v1/manifests', {
      consigneeId: ids.facility,
      carriers: [{ organisationId: ids.carrier, vehiclePlate: '鲁P12345', operatingPermitNumber: '371502000123' }],
      lines: [
        {
          lotId: lot.body.id,
          declared: { value: '200', unit: 'kg' },
          hazard: 'T,I',
          physicalForm: 'LIQUID',
          packaging: 'DRUM',
        },
      ],
      plannedDate: '2026-10-20',
      plannedOperation: 'R9',
      emergencyMeasures: '泄漏时用吸附棉围堵，疏散人员，拨打 12369',
    });
    assert.equal(manifest.status, 201, JSON.stringify(manifest.body));
    rec.name(manifest.body.id, 'manifest');
    const id = manifest.body.id as string;
    const step = (title: string, who: string, action: string, body: Record<string, unknown>) =>
      rec.call(title, `${who.toUpperCase()}_KEY`, keys[who], 'POST', `/v1/manifests/${id}/${action}`, body);
    assert.equal(
      (await step('submit', 'generator', 'submit', { occurredAt: '2026-10-20T08:00:00+08:00' })).status,
      200,
    );
    const early = await step('error: deliver before pickup', 'facility', 'deliver', {
      occurredAt: '2026-10-20T08:05:00+08:00',
    });
    assert.equal(early.status, 409);
    // The transporter confirms pickup: custody passes to it.
    assert.equal(
      (await step('pickup', 'carrier', 'pickup', { occurredAt: '2026-10-20T09:00:00+08:00', location: '顺达汽修厂区' }))
        .status,
      200,
    );
    // The facility confirms arrival, weighs, and records the treatment.
    assert.equal(
      (await step('deliver', 'facility', 'deliver', { occurredAt: '2026-10-20T13:00:00+08:00' })).status,
      200,
    );
    const received = await step('receive', 'facility', 'receive', {
      occurredAt: '2026-10-20T13:30:00+08:00',
      lines: [{ lineNo: 1, received: { value: '176', unit: 'kg' }, decision: 'ACCEPTED' }],
    });
    assert.equal(received.status, 200, JSON.stringify(received.body));
    assert.equal(
      (
        await step('complete', 'facility', 'complete', {
          occurredAt: '2026-10-22T10:00:00+08:00',
          lines: [{ lineNo: 1, operationCode: 'R9', treated: { value: '176', unit: 'kg' } }],
        })
      ).status,
      200,
    );
    const other = await rec.call(
      'error: not yours',
      'CARRIER_KEY',
      keys.carrier,
      'GET',
      `/v1/organisations/${ids.generator}`,
    );
    assert.equal(other.status, 404);

    // The regulator sees what reconciliation found.
    const flags = await waitFor(async () => {
      const res = await t
        .http()
        .get('/v1/flags?rule=QUANTITY_DISCREPANCY')
        .set('Authorization', `Bearer ${keys.regulator}`);
      return res.body.items?.length ? res.body.items : null;
    });
    rec.name(flags[0].id, 'flag');
    await rec.call('flags', 'REGULATOR_KEY', keys.regulator, 'GET', '/v1/flags?rule=QUANTITY_DISCREPANCY');
    const ack = await rec.call(
      'acknowledge',
      'FACILITY_KEY',
      keys.facility,
      'POST',
      `/v1/flags/${flags[0].id}/acknowledge`,
      { comment: '地磅已校准，差额为运输途中滴漏，已通知移出人' },
    );
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    const audit = await rec.call('audit lot', 'REGULATOR_KEY', keys.regulator, 'GET', `/v1/audit/lots/${lot.body.id}`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const verify = await rec.call(
      'verify lot',
      'REGULATOR_KEY',
      keys.regulator,
      'GET',
      `/v1/lots/${lot.body.id}/verification`,
    );
    assert.equal(verify.body.ok, true);

    const rendered = renderGuide(rec);
    if (process.env.UPDATE_GUIDE === '1') writeFileSync(GUIDE, rendered);
    assert.equal(readFileSync(GUIDE, 'utf8'), rendered, 'docs/guide.md is stale: run `npm run guide`');
  });
});

function renderGuide(rec: GuideRecorder): string {
  const s = (title: string) => rec.show(title);
  return `# API guide

The API as its users live it: a garage (the generator), a transporter, a treatment facility and a
regulator move one drum of waste engine oil from registration to treatment. Every request and
answer below is produced by the scenario test \`test/e2e/guide.e2e.test.ts\`, which runs in CI
and fails when this page no longer matches the API (regenerate with \`npm run guide\`). Ids, keys,
hashes and server times are replaced by names such as \`<lot>\` and \`<server time>\`.

\`\`\`bash
export API=http://localhost:3000   # npm start
\`\`\`

Every request carries \`Authorization: Bearer <API key>\`. Every side-effecting POST accepts an
\`Idempotency-Key\` header: a retry with the same key and body returns the first answer. Errors are
\`application/problem+json\` (RFC 9457) with a stable \`code\`.

## 1. The platform administrator registers the parties

An organisation is identified by its unified social credit code (checked with the GB 32100 check
character) and its GB/T 2260 division code. Each organisation gets an administrator and an API key
(shown once; only its hash is kept).

${s('create generator')}

${s('member generator')}

${s('key generator')}

The transporter, the facility and the regulator are registered the same way. A regulator's
jurisdiction is the prefix of its division code (\`37\` for Shandong).

## 2. The regulator records licences

${s('permit facility')}

Anyone planning a transfer can ask whether a facility may take a waste:

${s('permit check')}

## 3. The generator registers and stores its waste

A lot is one labelled container or batch of one waste code. Its first event (GENERATED) starts its
hash chain; the service issues an HJ 1276 label code when none is given.

${s('register lot')}

${s('store lot')}

Quantities are exact: a value more precise than a gram is refused, never rounded.

${s('error: too precise')}

## 4. The manifest (转移联单)

The generator drafts a manifest from lots in its custody. It gets its national number
(year + city + serial) at once, and its lots cannot go on another open manifest.

${s('draft manifest')}

Signing (submit) checks every party's licence for every code, then releases the lot to the first
carrier. Steps out of order are refused with the manifest's current state:

${s('error: deliver before pickup')}

The transporter confirms pickup — only the receiving party's confirmation moves custody:

${s('pickup')}

The facility confirms arrival, weighs, accepts, and records the treatment:

${s('receive')}

${s('complete')}

Parties see only what they are party to; anything else is simply not found:

${s('error: not yours')}

## 5. What reconciliation finds, and what the regulator sees

200 kg were declared and 176 kg received. The worker reconciles every manifest change; the
regulator (or any party) sees the flag, with its evidence:

${s('flags')}

A party acknowledges it with a comment (only a regulator may resolve it):

${s('acknowledge')}

The regulator audits the lot: its events, who held it when, its manifests and flags, and the
verification of its hash chain:

${s('audit lot')}

${s('verify lot')}
`;
}
