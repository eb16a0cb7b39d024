import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Client } from 'pg';
import { copyFrom, copyTextField as f } from '../../src/database/pg-copy';
import { canonicalJson } from '../../src/ledger/domain/canonical-json';
import { GENESIS_HASH, sealEvents, type LedgerObject, type SealedEvent } from '../../src/ledger/domain/event-hash';

/**
 * Background ledger volume for the benchmarks, loaded by COPY: lots with **correct** hash
 * chains (computed with the service's own `sealEvents`), their heads, and their generator as
 * party, so that verification and audits of the loaded data pass. Rows are valid by
 * construction; the bulk load skips foreign-key and append-only triggers
 * (`session_replication_role = replica`) and waits for no fsync (`synchronous_commit = off`),
 * which only the loading sessions use.
 */

export interface LedgerSpec {
  organisationId: string;
  memberId: string;
  regionCode: string;
  /** e.g. `member:<uuid>` (lots.created_by). */
  createdBy: string;
  catalogueEditionId: string;
  wasteCategory: string;
  /** Lots to create. */
  lots: number;
  /** Average events per lot (genesis included; 1: the genesis only). */
  eventsPerLot: number;
  /** Lots are created evenly over this many months up to a day ago (one partition per month). */
  months: number;
  /** End of the creation period (ms since epoch); defaults to a day ago. */
  until?: number;
  /** Also ship the lots to a consignee on manifests, `linesPerManifest` consecutive lots each. */
  manifests?: ManifestSpec;
}

/**
 * Manifests of the loaded lots, RECEIVED by the consignee (steps submit, pickup, deliver,
 * receive; one carrier), a few hours after their last lot was created: what the `incoming`
 * register of the consignee and the `outgoing` one of the generator return, one row per line.
 */
export interface ManifestSpec {
  consigneeId: string;
  consigneeRegion: string;
  carrierId: string;
  /** Lines per manifest; chunks of lots are multiples of it. */
  linesPerManifest: number;
  /** First 8 characters of the 14-character manifest numbers (year + city code); serials follow. */
  numberPrefix: string;
}

export interface Chunk {
  lots: string;
  parties: string;
  events: string;
  eventCount: number;
  /** COPY rows of the manifest tables (empty without `spec.manifests`). */
  manifests: string;
  carriers: string;
  lines: string;
  steps: string;
}

export const LOT_COLUMNS =
  'id, label_code, label_code_issued, waste_code, waste_category, catalogue_edition_id, medical_class, identification_ref, quantity, quantity_unit, quantity_method, physical_form, packaging_type, container_count, generator_organisation_id, custodian_organisation_id, status, generated_at, head_seq, head_hash, head_occurred_at, created_at, updated_at, created_by';
export const PARTY_COLUMNS = 'lot_id, organisation_id, region_code, role, since';
export const EVENT_COLUMNS =
  'lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at, actor_organisation_id, actor_member_id, payload, prev_hash, hash';
export const MANIFEST_COLUMNS =
  'id, number, status, consignor_id, consignee_id, consignor_region, consignee_region, planned_date, planned_operation, transport_mode, emergency_measures, medical, current_carrier, created_at, created_by, updated_at';
export const CARRIER_COLUMNS =
  'manifest_id, position, organisation_id, vehicle_plate, operating_permit_number, start_point, end_point';
export const LINE_COLUMNS =
  'manifest_id, line_no, lot_id, waste_code, unit, declared_quantity, declared_containers, hazard, physical_form, packaging, received_quantity, received_containers, received_waste_code, decision, accepted_quantity, operation_code';
export const STEP_COLUMNS =
  'manifest_id, seq, action, from_status, to_status, organisation_id, actor, occurred_at, recorded_at, payload, payload_hash';

const bytea = (hex: string) => `\\\\x${hex}`;

/** Events per lot, varying around the average (2 … 2·avg − 2). */
function eventsOf(i: number, avg: number): number {
  if (avg <= 1) return 1;
  if (avg <= 2) return 2;
  const span = Math.max(1, Math.round(2 * avg - 3));
  return 2 + (i % span);
}

/** The chain of lot `i` (0-based) of the spec, as COPY text rows. */
export function generateChunk(spec: LedgerSpec, from: number, to: number): Chunk {
  const until = spec.until ?? Date.now() - 86_400_000;
  const period = spec.months * 30 * 86_400_000;
  const actor = { organisationId: spec.organisationId, memberId: spec.memberId };
  let lots = '';
  let parties = '';
  let events = '';
  let eventCount = 0;
  const shipped: Array<{ id: string; createdAt: number; grams: number }> = [];
  for (let i = from; i < to; i++) {
    const id = randomUUID();
    const createdAt = Math.floor(until - period + (period * i) / spec.lots);
    const labelCode = `BENCH${String(i).padStart(12, '0')}${id.replace(/-/g, '').slice(0, 20)}`;
    const genesisPayload: LedgerObject = {
      wasteCode: '900-041-49',
      wasteCategory: spec.wasteCategory,
      catalogueEdition: spec.catalogueEditionId,
      quantity: { amount: String(10_000 + (i % 5000)), unit: 'g' },
      quantityMethod: 'WEIGHED',
      physicalForm: 'SOLID',
      packagingType: 'DRUM',
      containerCount: 1,
      labelCode,
      labelCodeIssued: false,
      mainConstituents: ['废包装桶'],
      hazardousConstituents: ['矿物油'],
      facilityCode: 'CS-001',
      handlerName: '张三',
    };
    const n = eventsOf(i, spec.eventsPerLot);
    let status = 'ACTIVE';
    let packaging = 'DRUM';
    let containers = 1;
    let head = { seq: 0, hash: GENESIS_HASH };
    let last: SealedEvent | null = null;
    let lastRecorded = createdAt;
    let lastOccurred = createdAt;
    for (let seq = 1; seq <= n; seq++) {
      // Recorded one second apart from the lot's creation; occurred a second before.
      const recordedAt = seq === 1 ? createdAt : createdAt + seq * 1000;
      const occurredAt = recordedAt - 1000;
      let type: string;
      let payload: LedgerObject;
      if (seq === 1) {
        type = 'GENERATED';
        payload = genesisPayload;
      } else {
        switch ((seq - 2) % 3) {
          case 0:
            type = 'STORED';
            payload = { handlerName: '李四', location: { code: `ZC-${10 + (seq % 90)}`, type: 'WAREHOUSE' } };
            status = 'STORED';
            break;
          case 1:
            type = 'RETRIEVED';
            payload = { handlerName: '李四', batchCode: `HWCK${seq}`, destination: '处置中心' };
            status = 'ACTIVE';
            break;
          default:
            containers = (seq % 20) + 1;
            type = 'PACKAGED';
            payload = { handlerName: '李四', packagingType: packaging, containerCount: containers };
        }
      }
      const [sealed] = sealEvents(
        id,
        head,
        [{ type, occurredAt: new Date(occurredAt), payload }],
        new Date(recordedAt),
        actor,
      );
      const c = sealed.content;
      events += `${id}\t${seq}\t${new Date(createdAt).toISOString()}\t1\t${type}\t${c.occurredAt}\t${c.recordedAt}\t${spec.organisationId}\t${spec.memberId}\t${f(JSON.stringify(payload))}\t${bytea(c.prevHash)}\t${bytea(sealed.hash)}\n`;
      head = { seq, hash: sealed.hash };
      last = sealed;
      lastRecorded = recordedAt;
      lastOccurred = occurredAt;
    }
    eventCount += n;
    packaging = 'DRUM';
    const created = new Date(createdAt).toISOString();
    lots +=
      [
        id,
        labelCode,
        'f',
        '900-041-49',
        spec.wasteCategory,
        spec.catalogueEditionId,
        '\\N',
        '\\N',
        String(10_000 + (i % 5000)),
        'g',
        'WEIGHED',
        'SOLID',
        packaging,
        String(containers),
        spec.organisationId,
        spec.organisationId,
        status,
        new Date(createdAt - 1000).toISOString(),
        String(n),
        bytea(last!.hash),
        new Date(lastOccurred).toISOString(),
        created,
        new Date(lastRecorded).toISOString(),
        f(spec.createdBy),
      ].join('\t') + '\n';
    parties += `${id}\t${spec.organisationId}\t${spec.regionCode}\tGENERATOR\t${created}\n`;
    if (spec.manifests) shipped.push({ id, createdAt, grams: 10_000 + (i % 5000) });
  }
  const m = spec.manifests ? manifestRows(spec, spec.manifests, from, shipped) : null;
  return { lots, parties, events, eventCount, manifests: '', carriers: '', lines: '', steps: '', ...m };
}

const HOUR = 3_600_000;

/** The manifests of `shipped` (lots `from`, `from + 1`, … of the spec), as COPY text rows. */
function manifestRows(
  spec: LedgerSpec,
  ms: ManifestSpec,
  from: number,
  shipped: ReadonlyArray<{ id: string; createdAt: number; grams: number }>,
): Pick<Chunk, 'manifests' | 'carriers' | 'lines' | 'steps'> {
  const per = ms.linesPerManifest;
  if (from % per !== 0) throw new Error(`chunks of lots must start at a multiple of ${per}`);
  let manifests = '';
  let carriers = '';
  let lines = '';
  let steps = '';
  for (let k = 0; k < shipped.length; k += per) {
    const id = randomUUID();
    const serial = (from + k) / per + 1;
    const number = `${ms.numberPrefix}${String(serial).padStart(6, '0')}`;
    const part = shipped.slice(k, k + per);
    const created = part[part.length - 1].createdAt + 60_000;
    const at = (h: number) => new Date(created + h * HOUR).toISOString();
    const received = at(3);
    manifests += `${id}\t${number}\tRECEIVED\t${spec.organisationId}\t${ms.consigneeId}\t${spec.regionCode}\t${ms.consigneeRegion}\t${at(0).slice(0, 10)}\tD10\tROAD\t泄漏时用吸附棉围堵，报告 12369\tf\t0\t${at(0)}\tbench:bulk\t${received}\n`;
    carriers += `${id}\t0\t${ms.carrierId}\t鲁P12345\t371502000123\t聊城市东昌府区\t济南市历下区\n`;
    part.forEach((lot, n) => {
      const grams = lot.grams;
      lines += `${id}\t${n + 1}\t${lot.id}\t900-041-49\tg\t${grams}\t1\tT/In\tSOLID\t铁桶, "200L"\t${grams - 45}\t1\t900-041-49\tACCEPTED\t${grams - 45}\tD10\n`;
    });
    const step = (seq: number, action: string, fromStatus: string, toStatus: string, org: string, h: number) => {
      const payload = { manifestId: id, manifestNumber: number, action, organisationId: org, occurredAt: at(h) };
      const hash = createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
      steps += `${id}\t${seq}\t${action}\t${fromStatus}\t${toStatus}\t${org}\tbench:bulk\t${at(h)}\t${at(h)}\t${f(JSON.stringify(payload))}\t${hash}\n`;
    };
    step(1, 'submit', 'DRAFT', 'SUBMITTED', spec.organisationId, 0);
    step(2, 'pickup', 'SUBMITTED', 'IN_TRANSIT', ms.carrierId, 0.5);
    step(3, 'deliver', 'IN_TRANSIT', 'DELIVERED', ms.consigneeId, 2);
    step(4, 'receive', 'DELIVERED', 'RECEIVED', ms.consigneeId, 3);
  }
  return { manifests, carriers, lines, steps };
}

/** Creates the monthly partitions the spec's lots fall in (the migration only creates months ahead). */
export async function ensurePastPartitions(db: Client, spec: LedgerSpec): Promise<void> {
  await db.query(
    `SELECT ledger_create_event_partition((date_trunc('month', now()) - make_interval(months => m))::date)
       FROM generate_series(0, $1::int) AS m`,
    [spec.months + 1],
  );
}

/**
 * Loads the spec's lots and chains by COPY on three sessions (lots, parties, events), the
 * chains computed by a worker thread so that hashing and ingest overlap. Returns the numbers
 * of lots and events loaded.
 */
export async function loadLedger(
  connect: () => Promise<Client>,
  spec: LedgerSpec,
  options: { chunkLots?: number; onProgress?: (events: number) => void } = {},
): Promise<{ lots: number; events: number }> {
  const chunkLots = options.chunkLots ?? 2_000;
  if (spec.manifests && chunkLots % spec.manifests.linesPerManifest !== 0)
    throw new Error('chunkLots must be a multiple of linesPerManifest');
  const sessions = await Promise.all([connect(), connect(), connect()]);
  for (const s of sessions) {
    await s.query(`SET session_replication_role = replica`);
    await s.query(`SET synchronous_commit = off`);
  }
  await ensurePastPartitions(sessions[0], spec);
  const worker = new Worker(join(__dirname, 'ledger-data-worker.js'), { workerData: spec });
  // One listener each for results and failure (a Promise.race per chunk against a promise that
  // never settles would keep every chunk alive).
  const pending = new Map<number, { resolve: (chunk: Chunk) => void; reject: (error: Error) => void }>();
  worker.on('message', (m: { from: number; chunk: Chunk }) => {
    pending.get(m.from)?.resolve(m.chunk);
    pending.delete(m.from);
  });
  worker.on('error', (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  const request = (from: number) =>
    new Promise<Chunk>((resolve, reject) => {
      pending.set(from, { resolve, reject });
      worker.postMessage({ from, to: Math.min(spec.lots, from + chunkLots) });
    });
  let events = 0;
  try {
    // Keep one chunk in generation while the previous one is being copied.
    let next = request(0);
    for (let from = 0; from < spec.lots; from += chunkLots) {
      const chunk = await next;
      if (from + chunkLots < spec.lots) next = request(from + chunkLots);
      // No foreign-key triggers in replica mode: the tables load side by side.
      const copy = async (db: Client, table: string, columns: string, rows: string) => {
        if (rows) await copyFrom(db, `COPY ${table} (${columns}) FROM STDIN`, [rows]);
      };
      await Promise.all([
        copy(sessions[0], 'lots', LOT_COLUMNS, chunk.lots).then(() =>
          copy(sessions[0], 'manifests', MANIFEST_COLUMNS, chunk.manifests),
        ),
        copy(sessions[1], 'lot_parties', PARTY_COLUMNS, chunk.parties).then(() =>
          copy(sessions[1], 'manifest_lines', LINE_COLUMNS, chunk.lines),
        ),
        copy(sessions[2], 'custody_events', EVENT_COLUMNS, chunk.events)
          .then(() => copy(sessions[2], 'manifest_steps', STEP_COLUMNS, chunk.steps))
          .then(() => copy(sessions[2], 'manifest_carriers', CARRIER_COLUMNS, chunk.carriers)),
      ]);
      events += chunk.eventCount;
      options.onProgress?.(events);
    }
  } finally {
    await worker.terminate();
    await Promise.all(sessions.map((s) => s.end()));
  }
  return { lots: spec.lots, events };
}

/**
 * Appends `count` PACKAGED events to an existing lot (its head read from the database), with
 * correct hashes, by COPY; then moves the lot's head. For long chains (verification workload).
 */
export async function extendChain(
  db: Client,
  lotId: string,
  count: number,
  actor: { organisationId: string; memberId: string },
): Promise<void> {
  const {
    rows: [lot],
  } = await db.query(
    `SELECT head_seq AS seq, encode(head_hash, 'hex') AS hash, created_at, head_occurred_at FROM lots WHERE id = $1`,
    [lotId],
  );
  const occurredAt = new Date(lot.head_occurred_at as Date);
  const recordedAt = new Date();
  const drafts = Array.from({ length: count }, (_, k) => ({
    type: 'PACKAGED',
    occurredAt,
    payload: { handlerName: '李四', packagingType: 'DRUM', containerCount: (k % 20) + 1 } as LedgerObject,
  }));
  const sealed = sealEvents(lotId, { seq: lot.seq as number, hash: lot.hash as string }, drafts, recordedAt, actor);
  const started = (lot.created_at as Date).toISOString();
  const rows = sealed.map(
    (s) =>
      `${lotId}\t${s.content.seq}\t${started}\t1\tPACKAGED\t${s.content.occurredAt}\t${s.content.recordedAt}\t${actor.organisationId}\t${actor.memberId}\t${f(JSON.stringify(s.content.payload))}\t${bytea(s.content.prevHash)}\t${bytea(s.hash)}\n`,
  );
  await db.query('BEGIN');
  try {
    await copyFrom(db, `COPY custody_events (${EVENT_COLUMNS}) FROM STDIN`, [rows.join('')]);
    const last = sealed[sealed.length - 1];
    await db.query(
      `UPDATE lots SET head_seq = $2, head_hash = decode($3, 'hex'), head_occurred_at = $4, updated_at = $5,
              packaging_type = 'DRUM', container_count = $6
        WHERE id = $1`,
      [lotId, last.content.seq, last.hash, occurredAt, recordedAt, ((count - 1) % 20) + 1],
    );
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
