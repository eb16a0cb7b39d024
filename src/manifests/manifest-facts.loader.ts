import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PermitCheckService } from '../permits/permit-check.service';
import type {
  LineDecision,
  ManifestFacts,
  ManifestStepType,
  PermitCheckFact,
  PermitCheckOutcome,
} from '../reconciliation/domain/facts';
import { pairLossFactsFromManifests } from '../reconciliation/domain/rules/parties';
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
    // CUMULATIVE_LOSS judges a consignor → consignee pair in full: every manifest of the pair in the window.
    const windowDays = request.profile.rules.CUMULATIVE_LOSS.thresholds.windowDays;
    const pairIds: Array<{ id: string }> = await manager.query(
      `SELECT DISTINCT m.id FROM manifests m
        JOIN (SELECT DISTINCT consignor_id, consignee_id FROM manifests WHERE id = ANY($1::uuid[])) p
          ON p.consignor_id = m.consignor_id AND p.consignee_id = m.consignee_id
        WHERE m.updated_at >= $2::timestamptz - make_interval(days => $3)`,
      [ids, request.now, windowDays],
    );
    const known = new Set(ids);
    const others = pairIds.map((r) => r.id).filter((id) => !known.has(id));
    const pairManifests = [...manifests, ...(others.length ? await this.facts(manager, others) : [])];
    const organisationIds = [
      ...new Set(manifests.flatMap((m) => [m.consignorId, m.consigneeId, ...m.carriers.map((c) => c.organisationId)])),
    ];
    return {
      manifests,
      permitChecks,
      pairLosses: pairLossFactsFromManifests(pairManifests, request.profile, request.now),
      organisationIds,
    };
  }

  /**
   * In consignor → consignee order: the planner cuts the list into batches in this order, so that a
   * batch holds whole pairs and the CUMULATIVE_LOSS pass of `load` (every manifest of each pair the
   * batch names) reads few manifests beyond the batch's own. In id order every batch named nearly
   * every pair, and each read nearly all manifests: a run's work grew with the square of their number.
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
