import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { chinaDate } from '../../src/common/time/china-date';
import { copyOut } from '../../src/database/pg-copy';
import { csvHeader, REGISTER_COLUMNS, registerCopySql } from '../../src/registry/domain/register-columns';
import { ndjsonLines } from '../../src/registry/registry.repository';
import { draftFor, runLifecycle } from '../support/audit';
import { createLot } from '../support/lots';
import { district, draftBody, type District } from '../support/manifests';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const TRICKY = '危废, "一号"\n车间';
const FORMULA = '=HYPERLINK("http://evil.example","点我")';
const TO = () => chinaDate(new Date(Date.now() + 24 * 3_600_000));

describe('registers: GET /v1/registry/export', () => {
  let t: TestApp;
  let d: District;
  let tricky: Actor;
  let formula: Actor;
  let numbers: string[];
  let steps: Array<{ action: string; occurredAt: string }>;

  before(async () => {
    t = await startTestApp();
    d = await district(t);
    tricky = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: TRICKY });
    formula = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: FORMULA });
    numbers = [];
    for (const consignor of [d.generator, tricky, formula]) {
      const lot = await createLot(t, consignor);
      const body = draftBody(d, [lot.id]);
      (body.lines as Array<Record<string, unknown>>)[0].packaging = '铁桶, "200L"';
      const m = await draftFor(t, d, body, consignor);
      await runLifecycle(t, d, m.id, ['12.3'], consignor);
      numbers.push(m.number);
      if (consignor === d.generator) {
        steps = (await t.http().get(`/v1/manifests/${m.id}`).set(d.generator.auth).expect(200)).body.steps;
      }
    }
  });
  after(() => t.close());

  const exportOf = (auth: Record<string, string> | null, query: string) => {
    const req = t
      .http()
      .get(`/v1/registry/export?${query}`)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => cb(null, text));
      });
    return auth ? req.set(auth) : req;
  };
  const csvRows = (text: string) => parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
  const stepAt = (action: string) => steps.find((s) => s.action === action)!.occurredAt;

  describe('auth matrix', () => {
    it('401, 403 for a driver, 404 for another organisation or outside the jurisdiction, 400 for a bad query', async () => {
      await exportOf(null, 'kind=incoming').expect(401);
      await exportOf(d.carrier1Driver.auth, 'kind=transported').expect(403);
      for (const [who, org] of [
        [d.generator, d.treater.organisationId],
        [d.outsider, d.treater.organisationId],
        [d.regulator, '00000000-0000-4000-8000-000000000000'],
      ] as const) {
        const res = await exportOf(who.auth, `kind=incoming&organisationId=${org}`).expect(404);
        assert.equal(JSON.parse(res.body).code, 'not-found');
      }
      for (const q of [
        '',
        'kind=everything',
        'kind=incoming&format=xlsx',
        'kind=incoming&bom=maybe',
        'kind=incoming&from=2024-02-30',
        'kind=incoming&from=2024-06-01&to=2024-01-01',
        'kind=incoming&organisationId=abc',
        'kind=incoming&limit=5',
      ]) {
        const res = await exportOf(d.treater.auth, q).expect(400);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/, q);
      }
    });
  });

  it('incoming (the treater as consignee): CSV per RFC 4180 with a BOM, Chinese text, commas, quotes, line breaks', async () => {
    const res = await exportOf(d.treater.auth, `kind=incoming&from=2024-01-01&to=${TO()}&bom=true`).expect(200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="register-incoming-2024-01-01-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = res.body as string;
    assert.ok(text.startsWith('\uFEFF'), 'UTF-8 byte-order mark');
    assert.ok(text.includes('\r\n'));
    const rows = csvRows(text);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.manifest_number),
      numbers,
    );
    const [first, second, third] = rows;
    assert.equal(first.organisation_name, '济南处置中心');
    assert.equal(first.consignor_name, '东昌府区汽修厂');
    assert.equal(first.carriers, '聊城危运一 → 济南危运二');
    assert.equal(first.delivered_at, stepAt('deliver'));
    assert.equal(first.delivered_date, chinaDate(new Date(stepAt('deliver'))));
    assert.equal(first.received_at, stepAt('receive'));
    assert.equal(first.unit, 'kg');
    assert.equal(first.declared_quantity, '12.345');
    assert.equal(first.received_quantity, '12.3');
    assert.equal(first.accepted_quantity, '12.3');
    assert.equal(first.treated_quantity, '12.3');
    assert.equal(first.decision, 'ACCEPTED');
    assert.equal(first.operation_code, 'D10');
    assert.equal(first.waste_code, '900-041-49');
    assert.equal(first.waste_category, 'HW49');
    assert.ok(first.waste_name.length > 0);
    assert.equal(first.packaging, '铁桶, "200L"');
    assert.equal(first.rejection_reason, '');
    assert.equal(second.consignor_name, TRICKY); // comma, quotes and a line break survive the round trip
    assert.equal(third.consignor_name, `'${FORMULA}`); // a spreadsheet would not run it
    // Raw bytes: RFC 4180 quoting of the tricky name.
    assert.ok(text.includes('"危废, ""一号""\n车间"'));

    const plain = await exportOf(d.treater.auth, `kind=incoming&from=2024-01-01&to=${TO()}`).expect(200);
    assert.ok((plain.body as string).startsWith('organisation_name,organisation_code,delivered_at,'));
  });

  it('NDJSON carries the same keys and values, without the spreadsheet guard', async () => {
    const res = await exportOf(d.treater.auth, `kind=incoming&from=2024-01-01&to=${TO()}&format=ndjson`).expect(200);
    assert.equal(res.headers['content-type'], 'application/x-ndjson; charset=utf-8');
    const lines = (res.body as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[1].consignor_name, TRICKY);
    assert.equal(lines[2].consignor_name, FORMULA);
    assert.equal(lines[0].declared_quantity, '12.345');
    assert.equal(lines[0].rejection_reason, null);
    assert.equal(lines[0].line_no, 1);
  });

  it('PostgreSQL formats the values: exact kg, ISO instants, China dates, the formula guard, CRLF records', async () => {
    // Rows shaped as the treated register's query returns them, formatted by the export's own SQL.
    const rows: Array<Record<string, string>> = [
      {
        occurred_at: `'2024-06-30T17:30:00.1239Z'`,
        unit: `'g'`,
        quantity: `'12345'`,
        result: `E'=1+1, "焚烧"\\n完成'`,
      },
      { occurred_at: `'2024-06-30T15:59:59.999Z'`, unit: `'g'`, quantity: `'1000'`, result: `'-5 ℃'` },
      { occurred_at: `'2024-01-01T00:00:00Z'`, unit: `'g'`, quantity: `'0'`, result: `''` },
      { occurred_at: `'2024-01-01T00:00:00Z'`, unit: `'pcs'`, quantity: `'3'`, result: `E'@home\\x0b\\x01'` },
    ];
    const keys = REGISTER_COLUMNS.treated.filter((c) => c.type !== 'china-date');
    const query = rows
      .map((row, i) => {
        const cols = keys.map((c) => {
          if (c.key === 'occurred_at') return `${row.occurred_at}::timestamptz AS occurred_at`;
          if (c.key === 'event_seq') return `${i + 1} AS event_seq`;
          if (c.key === 'organisation_name') return `'济南处置中心' AS organisation_name`;
          if (c.key === 'manifest_number') return `'' AS manifest_number`;
          return `${row[c.key] ?? 'NULL'}::text AS ${c.key}`;
        });
        return `SELECT ${cols.join(', ')}`;
      })
      .join(' UNION ALL ');
    const copy = async (format: 'csv' | 'ndjson') => {
      const client = await t.db.connect();
      try {
        const chunks: Buffer[] = [];
        const sql = registerCopySql('treated', format, `${query} ORDER BY event_seq`);
        const rows = format === 'csv' ? { crlf: true } : { json: ndjsonLines('treated') };
        for await (const chunk of copyOut(client, sql, rows)) chunks.push(chunk);
        return Buffer.concat(chunks).toString('utf8');
      } finally {
        client.release();
      }
    };
    const csv = await copy('csv');
    assert.equal(csv.split('\r\n').length, 5, 'four records, each ended by CRLF');
    assert.ok(csv.includes('"\'=1+1, ""焚烧""\n完成"'), 'the line break inside a quoted field stays LF');
    const parsed = parse(csvHeader('treated') + csv, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(
      parsed.map((r) => [r.occurred_at, r.occurred_date, r.unit, r.quantity, r.result, r.manifest_number, r.event_seq]),
      [
        ['2024-06-30T17:30:00.123Z', '2024-07-01', 'kg', '12.345', `'=1+1, "焚烧"\n完成`, '', '1'],
        ['2024-06-30T15:59:59.999Z', '2024-06-30', 'kg', '1', "'-5 ℃", '', '2'],
        ['2024-01-01T00:00:00.000Z', '2024-01-01', 'kg', '0', '', '', '3'],
        ['2024-01-01T00:00:00.000Z', '2024-01-01', 'pcs', '3', "'@home\v\x01", '', '4'],
      ],
    );
    assert.equal(parsed[0].organisation_name, '济南处置中心');
    assert.equal(parsed[0].lot_id, '');
    const ndjson = (await copy('ndjson'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      Object.keys(ndjson[0]),
      REGISTER_COLUMNS.treated.map((c) => c.key),
    );
    assert.deepEqual(
      ndjson.map((r) => [r.quantity, r.unit, r.result, r.manifest_number, r.lot_id, r.event_seq, r.occurred_date]),
      [
        ['12.345', 'kg', '=1+1, "焚烧"\n完成', '', null, 1, '2024-07-01'],
        ['1', 'kg', '-5 ℃', '', null, 2, '2024-06-30'],
        ['0', 'kg', '', '', null, 3, '2024-01-01'],
        ['3', 'pcs', '@home\v\x01', '', null, 4, '2024-01-01'],
      ],
    );
  });

  it('outgoing, transported (each leg) and treated registers', async () => {
    const period = `from=2024-01-01&to=${TO()}`;
    const [out] = csvRows((await exportOf(d.generator.auth, `kind=outgoing&${period}`).expect(200)).body);
    assert.equal(out.organisation_name, '东昌府区汽修厂');
    assert.equal(out.transferred_at, stepAt('pickup'));
    assert.equal(out.consignee_name, '济南处置中心');
    assert.match(out.consignee_licences, /^P-\d+$/);
    assert.equal(out.planned_operation, 'D10');
    assert.equal(out.declared_quantity, '12.345');
    assert.equal(out.received_quantity, '12.3');
    assert.equal(
      csvRows((await exportOf(tricky.auth, `kind=outgoing&${period}`).expect(200)).body)[0].organisation_name,
      TRICKY,
    );

    const leg1 = csvRows((await exportOf(d.carrier1.auth, `kind=transported&${period}`).expect(200)).body);
    assert.equal(leg1.length, 3);
    assert.deepEqual(
      [
        leg1[0].leg,
        leg1[0].from_name,
        leg1[0].to_name,
        leg1[0].vehicle_plate,
        leg1[0].taken_over_at,
        leg1[0].handed_on_at,
      ],
      ['1', '东昌府区汽修厂', '济南危运二', '鲁P12345', stepAt('pickup'), stepAt('relay')],
    );
    const [leg2] = csvRows((await exportOf(d.carrier2.auth, `kind=transported&${period}`).expect(200)).body);
    assert.deepEqual(
      [leg2.leg, leg2.from_name, leg2.to_name, leg2.operating_permit_number, leg2.taken_over_at, leg2.handed_on_at],
      ['2', '聊城危运一', '济南处置中心', '370102000456', stepAt('relay'), stepAt('deliver')],
    );

    const treated = csvRows((await exportOf(d.treater.auth, `kind=treated&${period}`).expect(200)).body);
    assert.equal(treated.length, 3);
    assert.deepEqual(
      [
        treated[0].event,
        treated[0].operation_code,
        treated[0].quantity,
        treated[0].unit,
        treated[0].manifest_number,
        treated[0].source_name,
      ],
      ['DISPOSED', 'D10', '12.3', 'kg', numbers[0], '东昌府区汽修厂'],
    );
    assert.match(treated[0].event_hash, /^[0-9a-f]{64}$/);
    // Nobody else's register leaks into a party's own.
    assert.equal(csvRows((await exportOf(d.generator.auth, `kind=treated&${period}`).expect(200)).body).length, 0);
  });

  it('a regulator exports its jurisdiction or one organisation in it; the period filters rows', async () => {
    const period = `from=2024-01-01&to=${TO()}`;
    assert.equal(csvRows((await exportOf(d.regulator.auth, `kind=incoming&${period}`).expect(200)).body).length, 3);
    assert.equal(
      csvRows(
        (
          await exportOf(d.regulator.auth, `kind=outgoing&${period}&organisationId=${tricky.organisationId}`).expect(
            200,
          )
        ).body,
      ).length,
      1,
    );
    assert.equal(csvRows((await exportOf(d.outsider.auth, `kind=incoming&${period}`).expect(200)).body).length, 0);
    assert.equal(csvRows((await exportOf(t.admin, `kind=incoming&${period}`).expect(200)).body).length, 3);
    const empty = await exportOf(d.treater.auth, 'kind=incoming&from=2024-01-01&to=2024-12-31').expect(200);
    assert.ok((empty.body as string).startsWith('organisation_name,'));
    assert.deepEqual((empty.body as string).split('\r\n').length, 2, 'the header alone');
  });
});
