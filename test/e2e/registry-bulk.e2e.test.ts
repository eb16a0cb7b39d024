import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLot } from '../support/lots';
import { district, type District } from '../support/manifests';
import { startTestApp, type TestApp } from '../support/test-app';

const MANIFESTS = 1_000;
const LINES = 100;
const ROWS = MANIFESTS * LINES;
/** Growth allowed during the download (the CSV itself is ~50 MB). */
const BOUND = 64 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('register export of 100k rows streams in constant memory', () => {
  let t: TestApp;
  let d: District;
  let port: number;

  before(async () => {
    t = await startTestApp();
    d = await district(t);
    const lot = await createLot(t, d.generator);
    // Fixture rows straight into the manifest tables (their triggers only refuse DELETE/TRUNCATE):
    // 1,000 received manifests of 100 lines each, delivered one minute apart during 2025.
    await t.db.query(
      `INSERT INTO manifests (id, number, status, consignor_id, consignee_id, consignor_region, consignee_region,
                              planned_date, planned_operation, transport_mode, emergency_measures, medical, created_at,
                              created_by, updated_at)
       SELECT gen_random_uuid(), '20253715' || lpad(g::text, 6, '0'), 'RECEIVED', $1, $2, '371502', '370102',
              '2025-03-01', 'D10', 'ROAD', '泄漏时用吸附棉围堵，报告 12369', false, now(), 'fixture', now()
         FROM generate_series(1, $3::int) g`,
      [d.generator.organisationId, d.treater.organisationId, MANIFESTS],
    );
    await t.db.query(
      `INSERT INTO manifest_lines (manifest_id, line_no, lot_id, waste_code, unit, declared_quantity, declared_containers,
                                   hazard, physical_form, packaging, received_quantity, received_containers, decision,
                                   accepted_quantity)
       SELECT m.id, n, $1, '900-041-49', 'g', 12345 + n, 1, 'T/In', 'SOLID', '铁桶, "200L"', 12300 + n, 1, 'ACCEPTED',
              12300 + n
         FROM manifests m CROSS JOIN generate_series(1, $2::int) n
        WHERE m.created_by = 'fixture'`,
      [lot.id, LINES],
    );
    await t.db.query(
      `INSERT INTO manifest_steps (manifest_id, seq, action, from_status, to_status, organisation_id, actor, occurred_at,
                                   recorded_at, payload, payload_hash)
       SELECT m.id, 1, 'deliver', 'IN_TRANSIT', 'DELIVERED', $1, 'fixture',
              timestamptz '2025-03-01 08:00:00+08' + (row_number() OVER (ORDER BY m.number)) * interval '1 minute',
              now(), '{}'::jsonb, repeat('0', 64)
         FROM manifests m WHERE m.created_by = 'fixture'`,
      [d.treater.organisationId],
    );
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => t.close());

  const open = (query: string): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      get(
        {
          host: '127.0.0.1',
          port,
          path: `/v1/registry/export?${query}`,
          headers: { Authorization: d.treater.auth.Authorization },
        },
        resolve,
      ).on('error', reject);
    });

  it('100,000 rows: all arrive, in order, while heap and RSS grow by less than 64 MB', async () => {
    gc();
    const base = process.memoryUsage();
    // Retained memory: sampled after a full collection every few chunks (garbage is not growth).
    let retainedHeap = 0;
    let retainedRss = 0;
    // Peak heap between collections, garbage included (reported, not asserted).
    let peakHeap = 0;
    const timer = setInterval(
      () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - base.heapUsed)),
      10,
    );
    const retained = () => {
      gc();
      const m = process.memoryUsage();
      retainedHeap = Math.max(retainedHeap, m.heapUsed - base.heapUsed);
      retainedRss = Math.max(retainedRss, m.rss - base.rss);
    };
    const started = process.hrtime.bigint();
    const res = await open('kind=incoming&from=2025-01-01&to=2025-12-31&bom=true');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    let bytes = 0;
    let records = 0;
    let chunks = 0;
    let head = '';
    let tail = '';
    res.setEncoding('utf8');
    for await (const chunk of res as AsyncIterable<string>) {
      bytes += Buffer.byteLength(chunk);
      // No field of this fixture holds a line break, so each LF ends a record.
      for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) records++;
      if (head.length < 2_000) head += chunk.slice(0, 2_000);
      tail = (tail + chunk).slice(-2_000);
      if (++chunks % 100 === 0) retained();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(timer);
    retained();
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `# export: ${ROWS} rows, ${mb(bytes)} MB in ${seconds.toFixed(2)} s (${Math.round(ROWS / seconds)} rows/s, ` +
        `forced GCs included); retained growth: heap ${mb(retainedHeap)} MB, RSS ${mb(retainedRss)} MB; ` +
        `peak heap growth with garbage ${mb(peakHeap)} MB`,
    );
    assert.equal(records, ROWS + 1, 'header + every row');
    assert.ok(head.startsWith('\uFEFForganisation_name,'));
    const lines = head.split('\r\n');
    assert.match(
      lines[1],
      /^济南处置中心,\w{18},2025-03-01T00:01:00\.000Z,2025-03-01,,20253715000001,RECEIVED,东昌府区汽修厂,/,
    );
    assert.ok(lines[1].includes(',"铁桶, ""200L""",kg,12.346,1,12.301,'));
    const last = tail.trimEnd().split('\r\n').pop()!;
    assert.match(last, /,20253715001000,RECEIVED,/);
    assert.ok(last.includes(',kg,12.445,1,12.4,'));
    assert.ok(bytes > 30 * 1024 * 1024, `the export is big (${mb(bytes)} MB) compared with the bound`);
    assert.ok(retainedHeap < BOUND, `heap grew by ${mb(retainedHeap)} MB`);
    assert.ok(retainedRss < BOUND, `RSS grew by ${mb(retainedRss)} MB`);
  });

  it('a paused client holds the stream back; at most 4 exports run; a disconnect releases the connection', async () => {
    // The exports' COPY statements, and how many of them wait to write to the API (the socket is paused).
    const copies = async () =>
      (
        await t.db.query(
          `SELECT count(*)::int AS running, (count(*) FILTER (WHERE wait_event = 'ClientWrite'))::int AS blocked
             FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY (%'`,
        )
      ).rows[0] as { running: number; blocked: number };
    const first = await open('kind=incoming&from=2025-01-01&to=2025-12-31&format=ndjson');
    const more: Array<typeof first> = [];
    // Paused responses must be destroyed whatever happens, or the server cannot close.
    try {
      assert.equal(first.statusCode, 200);
      first.pause();
      // Backpressure: the client does not read, so the API stops reading and the server waits in its write.
      let blocked = 0;
      for (let i = 0; i < 100 && blocked !== 1; i++) {
        await new Promise((r) => setTimeout(r, 50));
        blocked = (await copies()).blocked;
      }
      assert.equal(blocked, 1, 'the export statement is running, blocked writing to the API');
      for (let i = 0; i < 3; i++) {
        const res = await open('kind=incoming&from=2025-01-01&to=2025-12-31');
        assert.equal(res.statusCode, 200);
        res.pause();
        more.push(res);
      }
      const refused = await open('kind=incoming&from=2025-01-01&to=2025-12-31');
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['retry-after'], '5');
      let problem = '';
      for await (const chunk of refused as AsyncIterable<Buffer>) problem += chunk.toString();
      assert.equal(JSON.parse(problem).code, 'too-many-exports');
    } finally {
      for (const res of [first, ...more]) res.destroy();
    }
    let running = -1;
    for (let i = 0; i < 100 && running !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = (await copies()).running;
    }
    assert.equal(running, 0, 'each export statement ended when its client went away');
    // And the next export runs to the end (timed without forced collections).
    const started = process.hrtime.bigint();
    const again = await open('kind=incoming&from=2025-03-01&to=2025-03-01&format=ndjson');
    assert.equal(again.statusCode, 200);
    let rows = 0;
    for await (const chunk of again as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `# export (NDJSON, no forced GC): ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s`,
    );
    assert.equal(rows, (16 * 60 - 1) * LINES); // deliveries 08:01 … 23:59 China time on 1 March
  });
});
