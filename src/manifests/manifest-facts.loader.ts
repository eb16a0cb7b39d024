import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PermitCheckService } from '../permits/permit-check.service';
import type {
  LineDecision,
  ManifestFacts,
  ManifestStepType,
  PairLossFacts,
  PermitCheckFact,
  PermitCheckOutcome,
} from '../reconciliation/domain/facts';
import type {
  ManifestFactsPart,
  ManifestFactsRequest,
  ManifestFactsSource,
  RunScope,
} from '../reconciliation/facts/manifest-facts.source';

const STEP_TYPE: Record<string, ManifestStepType | undefined> = {
  pickup: 'PICKUP',
  relay: 'RELAY',
  deliver: 'DELIVER',
  receive: 'RECEIVE',
  complete: 'COMPLETE',
};

const DECISION: Record<string, LineDecision> = {
  ACCEPTED: 'ACCEPTED',
  PARTIALLY_REJECTED: 'PARTIALLY_ACCEPTED',
  REJECTED: 'REJECTED',
};

/** The permits feature's refusal rules, in the reconciliation vocabulary. */
const OUTCOME: Record<string, PermitCheckOutcome> = {
  OK: 'OK',
  NOT_LICENSED: 'NO_PERMIT',
  CODE_OUT_OF_SCOPE: 'CODE_NOT_COVERED',
  OPERATION_NOT_COVERED: 'OPERATION_NOT_COVERED',
  PERMIT_SUSPENDED: 'PERMIT_NOT_ACTIVE',
  PERMIT_REVOKED: 'PERMIT_NOT_ACTIVE',
  PERMIT_CANCELLED: 'PERMIT_NOT_ACTIVE',
  PERMIT_EXPIRED: 'PERMIT_EXPIRED',
  PERMIT_NOT_YET_VALID: 'PERMIT_EXPIRED',
  CAPACITY: 'OK',
  BLACKLISTED: 'OK',
};

const IN_FLIGHT = ['SUBMITTED', 'IN_TRANSIT', 'DELIVERED'];

interface ManifestRow {
  id: string;
  number: string;
  status: ManifestFacts['status'];
  consignorId: string;
  consigneeId: string;
  plannedOperation: string;
  linkKind: string | null;
}

/**
 * Manifest facts for reconciliation, set-based: one query per kind of fact for the whole batch.
 * Permit checks are those recorded at submit and receive, plus a live re-check of every party of
 * a manifest still in flight (so a licence suspended or revoked while waste is on the road is
 * flagged at the next reconciliation).
 */
@Injectable()
export class ManifestFactsLoader implements ManifestFactsSource {
  constructor(private readonly permits: PermitCheckService) {}

  async load(manager: EntityManager, request: ManifestFactsRequest): Promise<ManifestFactsPart> {
    const ids = [...new Set(request.manifestIds)];
    if (ids.length === 0) return { manifests: [] };
    const manifests = await this.facts(manager, ids);
    const permitChecks = await this.permitChecks(manager, manifests, request.now);
    const organisationIds = [
      ...new Set(manifests.flatMap((m) => [m.consignorId, m.consigneeId, ...m.carriers.map((c) => c.organisationId)])),
    ];
    return {
      manifests,
      permitChecks,
      pairLosses: await this.pairLosses(manager, ids, request.profile, request.now),
      organisationIds,
    };
  }

  /**
   * In consignor → consignee order: the planner cuts the list into batches in this order, so that a
   * batch holds whole pairs and the CUMULATIVE_LOSS aggregate of `load` (over every manifest of each
   * pair the batch names) reads few manifests beyond the batch's own. In id order every batch named
   * nearly every pair, and each read nearly all manifests: a run's work grew with the square of
   * their number.
   */
  async idsForRun(manager: EntityManager, scope: RunScope): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT m.id FROM manifests m
        WHERE ($1::text IS NULL OR starts_with(m.consignor_region, $1) OR starts_with(m.consignee_region, $1)
               OR EXISTS (SELECT 1 FROM manifest_carriers c JOIN organisations o ON o.id = c.organisation_id
                           WHERE c.manifest_id = m.id AND starts_with(o.region_code, $1)))
          AND ($2::timestamptz IS NULL OR m.updated_at >= $2)
          AND ($3::timestamptz IS NULL OR m.created_at < $3)
        ORDER BY m.consignor_id, m.consignee_id, m.id`,
      [scope.regionPrefix, scope.from, scope.to],
    );
    return rows.map((r) => r.id);
  }

  /**
   * CUMULATIVE_LOSS aggregates of the consignor → consignee pairs of `ids`, each pair judged in
   * full (every manifest of the pair in the window, not only those named), computed by PostgreSQL:
   * one statement whose answer is a row per pair, however many manifests the pairs hold. It is
   * `pairLossFactsFromManifests` (the reference definition) in SQL; a test compares the two on
   * the same manifests. Step instants are taken to the millisecond, as the facts carry them.
   */
  private async pairLosses(
    manager: EntityManager,
    ids: string[],
    profile: ManifestFactsRequest['profile'],
    now: Date,
  ): Promise<PairLossFacts[]> {
    const { windowDays } = profile.rules.CUMULATIVE_LOSS.thresholds;
    const transit = profile.rules.TRANSIT_OVERDUE.thresholds;
    const from = new Date(now.getTime() - windowDays * 86_400_000);
    const rows: Array<{
      consignorId: string;
      consigneeId: string;
      manifestCount: number;
      declared: string;
      received: string;
      shortfall: string;
      excess: string;
      undelivered: string;
      carrierIds: string[];
      manifestIds: string[];
    }> = await manager.query(
      `WITH pair AS (SELECT DISTINCT consignor_id, consignee_id FROM manifests WHERE id = ANY($1::uuid[])),
       judged AS (
         SELECT m.id, m.consignor_id, m.consignee_id,
                COALESCE(r.at > $2 AND r.at <= $3, false) AS received,
                NOT EXISTS (SELECT 1 FROM manifest_steps s WHERE s.manifest_id = m.id AND s.action = 'deliver')
                  AND p.at > $2 AND p.at <= $3
                  AND $3 > p.at + interval '1 hour' * CASE WHEN EXISTS (
                        SELECT 1 FROM manifest_lines l WHERE l.manifest_id = m.id
                           AND right(regexp_replace(l.waste_code, '[^0-9]', '', 'g'), 2) = '01')
                      THEN $4::float8 ELSE $5::float8 END AS undelivered
           FROM manifests m
           JOIN pair USING (consignor_id, consignee_id)
           LEFT JOIN LATERAL (SELECT date_trunc('milliseconds', s.occurred_at) AS at FROM manifest_steps s
                               WHERE s.manifest_id = m.id AND s.action = 'receive' ORDER BY s.seq LIMIT 1) r ON true
           LEFT JOIN LATERAL (SELECT date_trunc('milliseconds', s.occurred_at) AS at FROM manifest_steps s
                               WHERE s.manifest_id = m.id AND s.action = 'pickup' ORDER BY s.seq LIMIT 1) p ON true
          WHERE m.updated_at >= $2 AND m.status <> 'CANCELLED'
       ),
       counted AS (
         SELECT j.id, j.consignor_id, j.consignee_id, j.received, w.*
           FROM judged j
           CROSS JOIN LATERAL (
             SELECT COALESCE(sum(d) FILTER (WHERE rc IS NOT NULL), 0) AS declared, COALESCE(sum(rc), 0) AS received_grams,
                    COALESCE(sum(greatest(0, d - rc)), 0) AS shortfall, COALESCE(sum(greatest(0, rc - d)), 0) AS excess,
                    COALESCE(sum(d), 0) AS declared_all, COALESCE(bool_or(rc < d), false) AS short
               FROM (SELECT CASE WHEN l.unit = 'g' THEN l.declared_quantity ELSE 0 END AS d,
                            CASE WHEN l.received_quantity IS NULL THEN NULL
                                 WHEN l.unit = 'g' THEN l.received_quantity ELSE 0 END AS rc
                       FROM manifest_lines l WHERE l.manifest_id = j.id) g) w
          WHERE j.received OR j.undelivered IS TRUE
       )
       SELECT c.consignor_id AS "consignorId", c.consignee_id AS "consigneeId", count(*)::int AS "manifestCount",
              sum(CASE WHEN c.received THEN c.declared ELSE 0 END)::text AS declared,
              sum(CASE WHEN c.received THEN c.received_grams ELSE 0 END)::text AS received,
              sum(CASE WHEN c.received THEN c.shortfall ELSE 0 END)::text AS shortfall,
              sum(CASE WHEN c.received THEN c.excess ELSE 0 END)::text AS excess,
              sum(CASE WHEN c.received THEN 0 ELSE c.declared_all END)::text AS undelivered,
              (SELECT COALESCE(array_agg(DISTINCT mc.organisation_id ORDER BY mc.organisation_id), '{}')
                 FROM manifest_carriers mc
                WHERE mc.manifest_id = ANY(array_agg(c.id))) AS "carrierIds",
              COALESCE(array_agg(c.id ORDER BY c.id) FILTER (WHERE NOT c.received OR c.short), '{}') AS "manifestIds"
         FROM counted c
        GROUP BY c.consignor_id, c.consignee_id
        ORDER BY c.consignor_id, c.consignee_id`,
      [ids, from, now, transit.medicalHours, transit.hazardousHours],
    );
    return rows.map((r) => ({
      consignorId: r.consignorId,
      consigneeId: r.consigneeId,
      windowFrom: from.toISOString(),
      windowTo: now.toISOString(),
      manifestCount: r.manifestCount,
      declaredGrams: Number(r.declared),
      receivedGrams: Number(r.received),
      shortfallGrams: Number(r.shortfall),
      excessGrams: Number(r.excess),
      undeliveredGrams: Number(r.undelivered),
      carrierIds: r.carrierIds,
      manifestIds: r.manifestIds,
    }));
  }

  private async facts(manager: EntityManager, ids: string[]): Promise<ManifestFacts[]> {
    // One connection in a transaction runs one query at a time: read them in turn.
    const [manifests, carriers, steps, lines] = await sequential([
      () =>
        manager.query(
          `SELECT id, number, status, consignor_id AS "consignorId", consignee_id AS "consigneeId",
                planned_operation AS "plannedOperation", link_kind AS "linkKind"
           FROM manifests WHERE id = ANY($1::uuid[])`,
          [ids],
        ) as Promise<ManifestRow[]>,
      () =>
        manager.query(
          `SELECT manifest_id AS "manifestId", organisation_id AS "organisationId", position FROM manifest_carriers WHERE manifest_id = ANY($1::uuid[])`,
          [ids],
        ) as Promise<Array<{ manifestId: string; organisationId: string; position: number }>>,
      () =>
        manager.query(
          `SELECT manifest_id AS "manifestId", seq, action, organisation_id AS "organisationId", occurred_at AS "occurredAt",
                recorded_at AS "recordedAt", signature IS NOT NULL AS signed
           FROM manifest_steps WHERE manifest_id = ANY($1::uuid[]) ORDER BY manifest_id, seq`,
          [ids],
        ) as Promise<
          Array<{
            manifestId: string;
            seq: number;
            action: string;
            organisationId: string;
            occurredAt: Date;
            recordedAt: Date;
            signed: boolean;
          }>
        >,
      () =>
        manager.query(
          `SELECT manifest_id AS "manifestId", line_no AS "lineNo", lot_id AS "lotId", waste_code AS "wasteCode", unit,
                declared_quantity::text AS declared, declared_containers AS "declaredContainers",
                received_quantity::text AS received, received_containers AS "receivedContainers",
                received_waste_code AS "receivedWasteCode", decision
           FROM manifest_lines WHERE manifest_id = ANY($1::uuid[]) ORDER BY manifest_id, line_no`,
          [ids],
        ) as Promise<
          Array<{
            manifestId: string;
            lotId: string;
            wasteCode: string;
            unit: string;
            declared: string;
            declaredContainers: number;
            received: string | null;
            receivedContainers: number | null;
            receivedWasteCode: string | null;
            decision: string | null;
          }>
        >,
    ]);
    const group = <T extends { manifestId: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const r of rows) map.set(r.manifestId, [...(map.get(r.manifestId) ?? []), r]);
      return map;
    };
    const carriersOf = group(carriers);
    const stepsOf = group(steps);
    const linesOf = group(lines);
    return manifests.map((m) => {
      const mSteps = stepsOf.get(m.id) ?? [];
      return {
        id: m.id,
        number: m.number,
        status: m.status,
        consignorId: m.consignorId,
        consigneeId: m.consigneeId,
        carriers: (carriersOf.get(m.id) ?? []).map((c) => ({
          organisationId: c.organisationId,
          order: c.position + 1,
        })),
        submittedAt: mSteps.find((s) => s.action === 'submit')?.occurredAt ?? null,
        steps: mSteps
          .filter((s) => STEP_TYPE[s.action])
          .map((s) => ({
            id: `${m.id}:${s.seq}`,
            seq: s.seq,
            type: STEP_TYPE[s.action]!,
            organisationId: s.organisationId,
            occurredAt: s.occurredAt,
            recordedAt: s.recordedAt,
            deviceSigned: s.signed,
          })),
        // Weights are compared in grams; lines counted in pieces compare their container counts only.
        lines: (linesOf.get(m.id) ?? []).map((l) => {
          const grams = (q: string | null) => (q === null ? null : l.unit === 'g' ? Number(q) : 0);
          return {
            lotId: l.lotId,
            declaredCode: l.wasteCode,
            declaredGrams: grams(l.declared) ?? 0,
            declaredContainers: l.declaredContainers,
            receivedCode: l.received === null ? null : (l.receivedWasteCode ?? l.wasteCode),
            receivedGrams: grams(l.received),
            receivedContainers: l.receivedContainers,
            decision: l.decision ? DECISION[l.decision] : null,
          };
        }),
      } satisfies ManifestFacts;
    });
  }

  private async permitChecks(
    manager: EntityManager,
    manifests: ManifestFacts[],
    now: Date,
  ): Promise<PermitCheckFact[]> {
    const ids = manifests.map((m) => m.id);
    const stored: Array<{
      manifestId: string;
      organisationId: string;
      partyRole: 'CARRIER' | 'CONSIGNEE';
      step: string;
      checkedAt: Date;
      wasteCode: string;
      outcome: string;
      permitId: string | null;
    }> = await manager.query(
      `SELECT DISTINCT ON (manifest_id, organisation_id, step, waste_code)
                manifest_id AS "manifestId", organisation_id AS "organisationId", party_role AS "partyRole", step,
                checked_at AS "checkedAt", waste_code AS "wasteCode", outcome, permit_id AS "permitId"
           FROM manifest_permit_checks WHERE manifest_id = ANY($1::uuid[])
          ORDER BY manifest_id, organisation_id, step, waste_code, checked_at DESC, id DESC`,
      [ids],
    );
    const facts: PermitCheckFact[] = stored.map((c) => ({ ...c, outcome: OUTCOME[c.outcome] ?? 'NO_PERMIT' }));
    // Live re-check of the parties of manifests still in flight.
    const rows: ManifestRow[] = await manager.query(
      `SELECT id, planned_operation AS "plannedOperation", link_kind AS "linkKind" FROM manifests WHERE id = ANY($1::uuid[]) AND status = ANY($2::manifest_status[])`,
      [ids, IN_FLIGHT],
    );
    // The same party, code and operation give the same answer within one batch (same day, same
    // transaction, no quantity): checked once each, not once per manifest.
    const checks = new Map<string, ReturnType<PermitCheckService['check']>>();
    const check = (organisationId: string, wasteCode: string, operation: string) => {
      const key = JSON.stringify([organisationId, wasteCode, operation]);
      let result = checks.get(key);
      if (!result) {
        result = this.permits.check({ organisationId, wasteCode, operation, date: now, quantityGrams: 0 }, manager);
        checks.set(key, result);
      }
      return result;
    };
    const byId = new Map(manifests.map((m) => [m.id, m]));
    for (const row of rows) {
      const m = byId.get(row.id)!;
      const parties = [
        ...(row.linkKind === 'RETURN'
          ? []
          : [{ organisationId: m.consigneeId, partyRole: 'CONSIGNEE' as const, operation: row.plannedOperation }]),
        ...m.carriers.map((c) => ({
          organisationId: c.organisationId,
          partyRole: 'CARRIER' as const,
          operation: 'TRANSPORT',
        })),
      ];
      for (const code of new Set(m.lines.map((l) => l.declaredCode))) {
        for (const p of parties) {
          const result = await check(p.organisationId, code, p.operation);
          facts.push({
            manifestId: m.id,
            organisationId: p.organisationId,
            partyRole: p.partyRole,
            step: 'IN_FLIGHT',
            checkedAt: now,
            wasteCode: code,
            outcome: result.allowed ? 'OK' : (OUTCOME[result.refusals[0]?.rule ?? 'NOT_LICENSED'] ?? 'NO_PERMIT'),
            permitId: result.permitId,
          });
        }
      }
    }
    return facts;
  }
}

/** Awaits thunks one after the other (queries on one transaction's connection cannot overlap). */
async function sequential<T extends readonly unknown[]>(thunks: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const out: unknown[] = [];
  for (const thunk of thunks) out.push(await thunk());
  return out as unknown as T;
}
