import canonicalize from 'canonicalize';
import { createHash, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { chinaDate } from '../../src/common/time/china-date';
import { copyFrom, copyTextField as f } from '../../src/database/pg-copy';
import { GENESIS_HASH, sealEvents, type LedgerObject } from '../../src/ledger/domain/event-hash';
import { addWorkingDays } from '../../src/reconciliation/domain/working-days';
import { LOT_COLUMNS, PARTY_COLUMNS, EVENT_COLUMNS } from './ledger-data';

/**
 * Transfer manifests in bulk, for the full reconciliation run (workload 5): N manifests with their
 * lots, lines, carriers, steps, permit checks, reservations, lot parties and the custody events
 * every step writes into each lot's chain — what `POST /v1/manifests` and its steps
 * (src/manifests/manifest-steps.service.ts) would have written, without the HTTP round trips.
 *
 * Loaded by COPY through `pg` with every constraint and trigger of the service's tables active (no
 * `session_replication_role = replica`): foreign keys are checked, the transparency log's
 * `ledger_log_pending` trigger enqueues each event (so the Merkle checkpoints cover them, and audits
 * find a consistent ledger), and the append-only triggers watch. Chains are hashed with the
 * ledger's own `sealEvents`, each lot's head (seq, hash, occurred-at, custodian, status, quantity)
 * is the state after its last event, and the manifest counters move past the numbers used.
 *
 * The mix is deterministic by manifest index `i` (`kindOf`), so the flags a reconciliation must
 * raise are known by construction (`expectedFlags`).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

export type ManifestKind =
  /** Received as declared and disposed of (D10): the bulk of the history. */
  | 'COMPLETED'
  /** Completed, but each line weighed 10 % under its declaration: QUANTITY_DISCREPANCY per line. */
  | 'DISCREPANCY'
  /** Received recently, not yet completed (lots open at the consignee). */
  | 'RECEIVED'
  /** Delivered three hours ago, receipt not confirmed yet (within the 5 working days). */
  | 'DELIVERED'
  /** Delivered 20 days ago, receipt never confirmed: RECEIPT_CONFIRMATION_OVERDUE. */
  | 'RECEIPT_OVERDUE'
  /** Picked up hours ago, on the road. */
  | 'IN_TRANSIT'
  /** Picked up four days ago and never delivered: TRANSIT_OVERDUE (over 48 h). */
  | 'TRANSIT_OVERDUE'
  /** Submitted (released to carrier 1) two hours ago, not picked up yet. */
  | 'SUBMITTED';

/** Per hundred manifests: 1 overdue receipt, 1 discrepancy, 1 overdue transit, 3 in transit, … */
export function kindOf(i: number): ManifestKind {
  const k = i % 100;
  if (k === 0) return 'RECEIPT_OVERDUE';
  if (k === 1) return 'DISCREPANCY';
  if (k === 2) return 'TRANSIT_OVERDUE';
  if (k <= 5) return 'IN_TRANSIT';
  if (k === 6) return 'SUBMITTED';
  if (k <= 9) return 'DELIVERED';
  if (k <= 17) return 'RECEIVED';
  return 'COMPLETED';
}

export interface Party {
  id: string;
  regionCode: string;
  /** The party's permit (carriers: transport; consignees: comprehensive operating licence). */
  permitId?: string;
}

export interface ManifestSpec {
  manifests: number;
  consignors: readonly Party[];
  carriers: readonly Party[];
  consignees: readonly Party[];
  /** Evaluation reference time (ms); every step happens before it. */
  now: number;
}

interface Shape {
  kind: ManifestKind;
  consignor: Party;
  consignee: Party;
  carriers: Party[];
  lines: number;
  code: string;
  category: string;
}

const CODES = [
  { code: '900-041-49', category: 'HW49' },
  { code: '900-249-08', category: 'HW08' },
  { code: '900-041-49', category: 'HW49' },
];

/** Who, what and how many lines manifest `i` has: 160 consignor → consignee pairs, one in ten manifests with two carriers. */
export function shapeOf(spec: ManifestSpec, i: number): Shape {
  const c = spec.consignors.length;
  const t = spec.carriers.length;
  return {
    kind: kindOf(i),
    consignor: spec.consignors[i % c],
    consignee: spec.consignees[Math.floor(i / c) % spec.consignees.length],
    carriers: i % 10 === 5 ? [spec.carriers[i % t], spec.carriers[(i + 1) % t]] : [spec.carriers[i % t]],
    lines: i % 7 === 3 ? 2 : 1,
    ...CODES[i % CODES.length],
  };
}

/** The flags a reconciliation of the loaded data must raise, by rule (and nothing else). */
export function expectedFlags(spec: ManifestSpec): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (rule: string, n = 1) => (out[rule] = (out[rule] ?? 0) + n);
  const lossPairs = new Set<string>();
  for (let i = 0; i < spec.manifests; i++) {
    const s = shapeOf(spec, i);
    if (s.kind === 'RECEIPT_OVERDUE') add('RECEIPT_CONFIRMATION_OVERDUE');
    if (s.kind === 'TRANSIT_OVERDUE') add('TRANSIT_OVERDUE');
    if (s.kind === 'DISCREPANCY') add('QUANTITY_DISCREPANCY', s.lines);
    // Net weight lost between the pair (shortfalls, and declared weight overdue in transit).
    if (s.kind === 'DISCREPANCY' || s.kind === 'TRANSIT_OVERDUE') lossPairs.add(`${s.consignor.id}>${s.consignee.id}`);
  }
  if (lossPairs.size > 0) add('CUMULATIVE_LOSS', lossPairs.size);
  return out;
}

/** A deterministic spread in [0, 1). */
const spread = (i: number) => ((i * 2_654_435_761) % 4_294_967_296) / 4_294_967_296;

interface Step {
  action: 'submit' | 'pickup' | 'relay' | 'deliver' | 'receive' | 'complete';
  from: string;
  to: string;
  org: Party;
  at: number;
  recordedAt: number;
}

/** The steps of manifest `i`, in order, with their times. */
function stepsOf(spec: ManifestSpec, i: number, s: Shape): Step[] {
  const now = spec.now;
  const submitAt: Record<ManifestKind, number> = {
    COMPLETED: now - (5 + spread(i) * 320) * DAY,
    DISCREPANCY: now - (5 + spread(i) * 320) * DAY,
    RECEIVED: now - (3 + spread(i) * 25) * DAY,
    RECEIPT_OVERDUE: now - 20 * DAY,
    DELIVERED: now - 10 * HOUR,
    TRANSIT_OVERDUE: now - 4 * DAY,
    IN_TRANSIT: now - 8 * HOUR,
    SUBMITTED: now - 2 * HOUR,
  };
  const submit = Math.floor(submitAt[s.kind]);
  const steps: Step[] = [];
  const add = (action: Step['action'], from: string, to: string, org: Party, at: number, lag = 5_000) =>
    steps.push({ action, from, to, org, at, recordedAt: at + lag });
  add('submit', 'DRAFT', 'SUBMITTED', s.consignor, submit);
  if (s.kind === 'SUBMITTED') return steps;
  const pickup = submit + HOUR;
  add('pickup', 'SUBMITTED', 'IN_TRANSIT', s.carriers[0], pickup);
  if (s.carriers.length > 1) add('relay', 'IN_TRANSIT', 'IN_TRANSIT', s.carriers[1], pickup + 3 * HOUR);
  if (s.kind === 'IN_TRANSIT' || s.kind === 'TRANSIT_OVERDUE') return steps;
  const deliver = pickup + 6 * HOUR;
  add('deliver', 'IN_TRANSIT', 'DELIVERED', s.consignee, deliver);
  if (s.kind === 'DELIVERED' || s.kind === 'RECEIPT_OVERDUE') return steps;
  const receive = deliver + 20 * HOUR;
  add('receive', 'DELIVERED', 'RECEIVED', s.consignee, receive, 60_000);
  if (s.kind === 'RECEIVED') return steps;
  add('complete', 'RECEIVED', 'COMPLETED', s.consignee, receive + 2 * DAY);
  return steps;
}

/** Checks that the timeline of each kind gives the flags designed (e.g. a holiday week could not shorten 20 days below 5 working days). */
export function checkDesign(spec: ManifestSpec): void {
  const probe = (kind: ManifestKind) => {
    for (let i = 0; i < Math.min(spec.manifests, 100); i++) {
      const s = shapeOf(spec, i);
      if (s.kind === kind) return stepsOf(spec, i, s);
    }
    return null;
  };
  const overdue = probe('RECEIPT_OVERDUE');
  const deliver = overdue?.find((x) => x.action === 'deliver');
  if (deliver && addWorkingDays(new Date(deliver.at), 5).getTime() >= spec.now)
    throw new Error('design: the overdue receipt is not past its 5 working days');
  const recent = probe('DELIVERED')?.find((x) => x.action === 'deliver');
  if (recent && addWorkingDays(new Date(recent.at), 5).getTime() < spec.now)
    throw new Error('design: a recent delivery is already overdue');
}

export interface LoadedManifests {
  manifests: number;
  lots: number;
  lines: number;
  events: number;
  steps: number;
}

interface Buffers {
  manifests: string;
  carriers: string;
  lines: string;
  steps: string;
  checks: string;
  reservations: string;
  lots: string;
  parties: string;
  events: string;
}

const MANIFEST_COLUMNS =
  'id, number, status, consignor_id, consignee_id, consignor_region, consignee_region, planned_date, planned_operation, transport_mode, approval_ref, emergency_measures, medical, current_carrier, linked_manifest_id, link_kind, created_at, created_by, updated_at';
const CARRIER_COLUMNS =
  'manifest_id, position, organisation_id, vehicle_plate, operating_permit_number, start_point, end_point';
const LINE_COLUMNS =
  'manifest_id, line_no, lot_id, waste_code, unit, declared_quantity, declared_containers, hazard, physical_form, packaging, un_number, dangerous_goods_class, received_quantity, received_containers, received_waste_code, decision, accepted_quantity, rejection_reason, operation_code, treated_quantity, follow_up_manifest_id';
const STEP_COLUMNS =
  'manifest_id, seq, action, from_status, to_status, organisation_id, member_id, actor, occurred_at, recorded_at, payload, payload_hash, device_key_id, signature';
const CHECK_COLUMNS = 'manifest_id, organisation_id, party_role, step, checked_at, waste_code, outcome, permit_id';
const RESERVATION_COLUMNS = 'lot_id, manifest_id, created_at';

const iso = (ms: number) => new Date(ms).toISOString();
const row = (...values: Array<string | number | boolean | null>) =>
  values.map((v) => (v === null ? '\\N' : f(typeof v === 'boolean' ? (v ? 't' : 'f') : v))).join('\t') + '\n';
/** A bytea in hex form: `\x…` (escaped once more by `row`'s copyTextField; written escaped by hand in event rows). */
const bytea = (hex: string) => `\\x${hex}`;
const byteaField = (hex: string) => `\\\\x${hex}`;

/** The COPY rows of manifests [from, to). */
function generate(
  spec: ManifestSpec,
  from: number,
  to: number,
  serialBase: number,
): Buffers & { counts: LoadedManifests } {
  const b: Buffers = {
    manifests: '',
    carriers: '',
    lines: '',
    steps: '',
    checks: '',
    reservations: '',
    lots: '',
    parties: '',
    events: '',
  };
  const counts: LoadedManifests = { manifests: 0, lots: 0, lines: 0, events: 0, steps: 0 };
  for (let i = from; i < to; i++) {
    const s = shapeOf(spec, i);
    const steps = stepsOf(spec, i, s);
    const id = randomUUID();
    const submit = steps[0];
    const draftAt = submit.at - HOUR;
    const number = `${chinaDate(new Date(draftAt)).slice(0, 4)}3715${String(serialBase + i + 1).padStart(6, '0')}`;
    const last = steps[steps.length - 1];
    const status = last.to;
    const open = !steps.some((x) => x.action === 'receive');
    const relayed = steps.some((x) => x.action === 'relay');
    const picked = steps.some((x) => x.action === 'pickup');
    const currentCarrier = picked ? (relayed ? 1 : 0) : null;
    b.manifests += row(
      id,
      number,
      status,
      s.consignor.id,
      s.consignee.id,
      s.consignor.regionCode,
      s.consignee.regionCode,
      chinaDate(new Date(submit.at)),
      'D10',
      'ROAD',
      null,
      '泄漏时用吸附棉围堵，报告 12369',
      false,
      currentCarrier,
      null,
      null,
      iso(draftAt),
      'bench:bulk',
      iso(last.recordedAt),
    );
    s.carriers.forEach((c, position) => {
      b.carriers += row(
        id,
        position,
        c.id,
        `鲁P${String(10_000 + ((i + position) % 90_000))}`,
        `3715020${position}${i % 1000}`,
        null,
        null,
      );
    });
    // Steps: payload as the service builds it, hashed (RFC 8785, SHA-256) as each event's stepHash.
    const stepHashes: string[] = [];
    steps.forEach((x, k) => {
      const payload: Record<string, unknown> = {
        manifestId: id,
        manifestNumber: number,
        action: x.action,
        organisationId: x.org.id,
        memberId: null,
        occurredAt: iso(x.at),
      };
      const hash = createHash('sha256').update(canonicalize(payload)!, 'utf8').digest('hex');
      stepHashes.push(hash);
      b.steps += row(
        id,
        k + 1,
        x.action,
        x.from,
        x.to,
        x.org.id,
        null,
        'bench:bulk',
        iso(x.at),
        iso(x.recordedAt),
        JSON.stringify(payload),
        hash,
        null,
        null,
      );
    });
    counts.steps += steps.length;
    // Permit checks recorded at submit (consignee and each carrier, per code) and at receipt (consignee, per line).
    const recordCheck = (party: Party, role: string, step: string, at: number) =>
      (b.checks += row(id, party.id, role, step, iso(at), s.code, 'OK', party.permitId ?? null));
    recordCheck(s.consignee, 'CONSIGNEE', 'SUBMIT', submit.recordedAt);
    for (const c of s.carriers) recordCheck(c, 'CARRIER', 'SUBMIT', submit.recordedAt);

    for (let lineNo = 1; lineNo <= s.lines; lineNo++) {
      const lotId = randomUUID();
      const declared = 10_000 + ((i * 37 + lineNo * 101) % 90_000);
      const received = s.kind === 'DISCREPANCY' ? Math.floor(declared * 0.9) : declared;
      const generatedAt = submit.at - 2 * DAY - lineNo * 60_000;
      const createdAt = generatedAt + 5_000;
      const ref = (k: number): LedgerObject => ({
        manifestId: id,
        manifestNumber: number,
        lineNo,
        stepSeq: k + 1,
        stepHash: stepHashes[k],
      });
      const g = (n: number): LedgerObject => ({ amount: String(n), unit: 'g' });
      const drafts: Array<{ type: string; org: string; at: number; recordedAt: number; payload: LedgerObject }> = [
        {
          type: 'GENERATED',
          org: s.consignor.id,
          at: generatedAt,
          recordedAt: createdAt,
          payload: {
            wasteCode: s.code,
            wasteCategory: s.category,
            catalogueEdition: 'CN-HW-2021',
            quantity: g(declared),
            quantityMethod: 'WEIGHED',
            physicalForm: 'SOLID',
            packagingType: 'DRUM',
            containerCount: 1,
            labelCode: `BM${lotId.replace(/-/g, '')}`,
            labelCodeIssued: false,
            handlerName: '张三',
          },
        },
      ];
      let custodian = s.consignor.id;
      let holderCarrier = 0;
      let lotStatus = 'ACTIVE';
      let quantity = declared;
      steps.forEach((x, k) => {
        const base = { org: x.org.id, at: x.at, recordedAt: x.recordedAt };
        switch (x.action) {
          case 'submit':
            drafts.push({
              ...base,
              type: 'HANDED_OVER',
              payload: { ...ref(k), toOrganisationId: s.carriers[0].id, declared: g(declared) },
            });
            break;
          case 'pickup':
          case 'relay':
          case 'deliver': {
            const fromOrg = x.action === 'pickup' ? s.consignor.id : s.carriers[holderCarrier].id;
            if (x.action === 'relay') holderCarrier += 1;
            drafts.push({
              ...base,
              type: 'RECEIVED',
              payload: { ...ref(k), fromOrganisationId: fromOrg, location: null },
            });
            custodian = x.org.id;
            lotStatus = x.action === 'deliver' ? 'ACTIVE' : 'IN_TRANSIT';
            break;
          }
          case 'receive':
            drafts.push({
              ...base,
              type: 'INSPECTED',
              payload: {
                ...ref(k),
                declared: g(declared),
                quantity: g(received),
                receivedContainers: 1,
                receivedWasteCode: s.code,
                decision: 'ACCEPTED',
                accepted: g(received),
                reason: null,
              },
            });
            quantity = received;
            recordCheck(s.consignee, 'CONSIGNEE', 'RECEIVE', x.recordedAt);
            break;
          case 'complete':
            drafts.push({
              ...base,
              type: 'DISPOSED',
              payload: { ...ref(k), operationCode: 'D10', treated: g(received), remaining: g(0) },
            });
            lotStatus = 'DISPOSED';
            break;
        }
      });
      // The chain, hashed as the ledger hashes it (one event per seal: each has its own recordedAt).
      let head = { seq: 0, hash: GENESIS_HASH };
      const started = iso(createdAt);
      for (const d of drafts) {
        const [sealed] = sealEvents(
          lotId,
          head,
          [{ type: d.type, occurredAt: new Date(d.at), payload: d.payload }],
          new Date(d.recordedAt),
          { organisationId: d.org, memberId: null },
        );
        const c = sealed.content;
        b.events += `${lotId}\t${c.seq}\t${started}\t1\t${d.type}\t${c.occurredAt}\t${c.recordedAt}\t${d.org}\t\\N\t${f(JSON.stringify(d.payload))}\t${byteaField(c.prevHash)}\t${byteaField(sealed.hash)}\n`;
        head = { seq: c.seq, hash: sealed.hash };
      }
      const lastEvent = drafts[drafts.length - 1];
      b.lots += row(
        lotId,
        `BM${lotId.replace(/-/g, '')}`,
        false,
        s.code,
        s.category,
        'CN-HW-2021',
        null,
        null,
        quantity,
        'g',
        'WEIGHED',
        'SOLID',
        'DRUM',
        1,
        s.consignor.id,
        custodian,
        lotStatus,
        iso(generatedAt),
        head.seq,
        bytea(head.hash),
        iso(lastEvent.at),
        started,
        iso(lastEvent.recordedAt),
        'bench:bulk',
      );
      b.parties += row(lotId, s.consignor.id, s.consignor.regionCode, 'GENERATOR', started);
      for (const p of [s.consignee, ...s.carriers])
        b.parties += row(lotId, p.id, p.regionCode, 'MANIFEST', iso(draftAt));
      const receivedLine = steps.some((x) => x.action === 'receive');
      const completed = steps.some((x) => x.action === 'complete');
      b.lines += row(
        id,
        lineNo,
        lotId,
        s.code,
        'g',
        declared,
        1,
        'T/In',
        'SOLID',
        'DRUM',
        null,
        null,
        receivedLine ? received : null,
        receivedLine ? 1 : null,
        null,
        receivedLine ? 'ACCEPTED' : null,
        receivedLine ? received : null,
        null,
        completed ? 'D10' : null,
        completed ? received : null,
        null,
      );
      if (open) b.reservations += row(lotId, id, iso(draftAt));
      counts.lots += 1;
      counts.lines += 1;
      counts.events += drafts.length;
    }
    counts.manifests += 1;
  }
  return { ...b, counts };
}

/**
 * Loads the spec's manifests by COPY in chunks, one transaction per chunk (lots and manifests
 * before what references them), the next chunk generated while the previous one is written.
 */
export async function loadManifests(
  pool: Pool,
  spec: ManifestSpec,
  options: { chunk?: number } = {},
): Promise<LoadedManifests> {
  const chunk = options.chunk ?? 2_000;
  checkDesign(spec);
  const client: PoolClient = await pool.connect();
  const total: LoadedManifests = { manifests: 0, lots: 0, lines: 0, events: 0, steps: 0 };
  try {
    // Monthly partitions of the chains' start (the migration creates months ahead only).
    await client.query(
      `SELECT ledger_create_event_partition((date_trunc('month', now()) - make_interval(months => m))::date)
         FROM generate_series(0, 13) AS m`,
    );
    const {
      rows: [{ base }],
    } = await client.query<{ base: number }>(
      `SELECT COALESCE(max(last_serial), 0)::int AS base FROM manifest_number_counters WHERE city_code = '3715'`,
    );
    const write = async (c: ReturnType<typeof generate>) => {
      await client.query('BEGIN');
      try {
        const copy = (table: string, columns: string, data: string) =>
          data ? copyFrom(client, `COPY ${table} (${columns}) FROM STDIN`, [data]) : Promise.resolve(0);
        await copy('lots', LOT_COLUMNS, c.lots);
        await copy('lot_parties', PARTY_COLUMNS, c.parties);
        await copy('custody_events', EVENT_COLUMNS, c.events);
        await copy('manifests', MANIFEST_COLUMNS, c.manifests);
        await copy('manifest_carriers', CARRIER_COLUMNS, c.carriers);
        await copy('manifest_lines', LINE_COLUMNS, c.lines);
        await copy('manifest_steps', STEP_COLUMNS, c.steps);
        await copy('manifest_permit_checks', CHECK_COLUMNS, c.checks);
        await copy('lot_reservations', RESERVATION_COLUMNS, c.reservations);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      for (const k of Object.keys(total) as Array<keyof LoadedManifests>) total[k] += c.counts[k];
    };
    let pending: Promise<void> = Promise.resolve();
    for (let from = 0; from < spec.manifests; from += chunk) {
      const c = generate(spec, from, Math.min(spec.manifests, from + chunk), base);
      await pending;
      pending = write(c);
    }
    await pending;
    // Later drafts number on from the serials used (numbers are per city and year; the bulk uses one city).
    await client.query(
      `INSERT INTO manifest_number_counters (city_code, year, last_serial)
       SELECT '3715', substr(number, 1, 4)::smallint, max(substr(number, 9, 6)::int) FROM manifests
        WHERE substr(number, 5, 4) = '3715' GROUP BY 2
       ON CONFLICT (city_code, year) DO UPDATE SET last_serial = GREATEST(manifest_number_counters.last_serial, EXCLUDED.last_serial)`,
    );
  } finally {
    client.release();
  }
  return total;
}
