import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import type { EvaluationResult } from '../reconciliation/domain/evaluate';
import { Flag, FlagStatus } from './entities/flag.entity';

export interface ApplyOutcome {
  raised: number;
  updated: number;
  resolved: number;
}

export interface FlagFilter {
  ruleId?: string;
  severity?: string;
  status?: FlagStatus;
  organisationId?: string;
  regionPrefix?: string;
  subjectType?: string;
  subjectId?: string;
  detectedFrom?: Date;
  detectedTo?: Date;
}

export interface FlagVisibility {
  all?: boolean;
  organisationId?: string;
  jurisdictionPrefix?: string | null;
}

@Injectable()
export class FlagsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores an evaluation in the caller's transaction, set-based: upserts each finding by its
   * dedupe key (no duplicates, however often the same facts are evaluated), leaves keys a
   * regulator resolved alone, and resolves automatically the open flags in the evaluated scope
   * whose condition no longer holds. Subjects are locked (advisory, sorted) so that two jobs on
   * the same subject apply one after the other — unless `subjectsLocked`: the caller already holds
   * a lock on every subject of the result for its transaction (the reconciliation locks its
   * subjects' rows before it loads their facts, see ReconciliationSubject).
   */
  async apply(
    manager: EntityManager,
    result: EvaluationResult,
    options: { subjectsLocked?: boolean } = {},
  ): Promise<ApplyOutcome> {
    const subjects = [
      ...new Set([
        ...result.scope.map((s) => `${s.subject.type}:${s.subject.id}`),
        ...result.findings.map((f) => `${f.subject.type}:${f.subject.id}`),
      ]),
    ].sort();
    if (subjects.length === 0) return { raised: 0, updated: 0, resolved: 0 };
    if (!options.subjectsLocked) {
      await manager.query(
        `SELECT pg_advisory_xact_lock(hashtextextended(s, 7)) FROM unnest($1::text[]) AS s ORDER BY s`,
        [subjects],
      );
    }
    const findings = JSON.stringify(
      result.findings.map((f) => ({
        rule_id: f.ruleId,
        severity: f.severity,
        action: f.action,
        dedupe_key: f.dedupeKey,
        subject_type: f.subject.type,
        subject_id: f.subject.id,
        organisation_ids: f.organisationIds,
        message: f.message,
        evidence: f.evidence,
      })),
    );
    const [counts] = await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(rule_id text, severity text, action text, dedupe_key text,
                subject_type text, subject_id text, organisation_ids uuid[], message text, evidence jsonb)
       ), fresh AS (
         SELECT i.* FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM flags f WHERE f.dedupe_key = i.dedupe_key
                              AND f.status = 'RESOLVED' AND f.resolution = 'MANUAL')
       ), upserted AS (
         INSERT INTO flags (rule_id, severity, action, dedupe_key, subject_type, subject_id, organisation_ids, region_codes,
                            message, evidence, profile_id, last_seen_at)
         SELECT i.rule_id, i.severity, i.action, i.dedupe_key, i.subject_type, i.subject_id, i.organisation_ids,
                COALESCE((SELECT array_agg(DISTINCT o.region_code::text) FROM organisations o WHERE o.id = ANY(i.organisation_ids)), '{}'),
                i.message, i.evidence, $2, now()
           FROM fresh i
         ON CONFLICT (dedupe_key) WHERE status IN ('OPEN', 'ACKNOWLEDGED')
         DO UPDATE SET severity = EXCLUDED.severity, action = EXCLUDED.action, message = EXCLUDED.message,
                       evidence = EXCLUDED.evidence, organisation_ids = EXCLUDED.organisation_ids,
                       region_codes = EXCLUDED.region_codes, profile_id = EXCLUDED.profile_id, last_seen_at = now()
         RETURNING id, (xmax = 0) AS inserted, severity
       ), raised_events AS (
         INSERT INTO flag_events (flag_id, kind, actor, detail)
         SELECT id, 'RAISED', 'system:reconciliation', jsonb_build_object('severity', severity) FROM upserted WHERE inserted
       ), scope AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb)
                    AS s(rule_id text, subject_type text, subject_id text, key_prefix text)
       ), cleared AS (
         -- Candidates by subject (ix_flags_subject), then the rule and key prefix: never a scan of
         -- every open flag against every scope entry.
         UPDATE flags f SET status = 'RESOLVED', resolution = 'AUTO', resolved_at = now(), resolved_by = 'system:reconciliation'
          WHERE f.status IN ('OPEN', 'ACKNOWLEDGED')
            AND (f.subject_type, f.subject_id) IN (SELECT DISTINCT s.subject_type, s.subject_id FROM scope s)
            AND EXISTS (SELECT 1 FROM scope s WHERE s.subject_type = f.subject_type AND s.subject_id = f.subject_id
                          AND s.rule_id = f.rule_id
                          AND (f.dedupe_key = s.key_prefix OR starts_with(f.dedupe_key, s.key_prefix || ':')))
            AND NOT EXISTS (SELECT 1 FROM input i WHERE i.dedupe_key = f.dedupe_key)
         RETURNING f.id
       ), cleared_events AS (
         INSERT INTO flag_events (flag_id, kind, actor, note)
         SELECT id, 'RESOLVED', 'system:reconciliation', 'condition cleared' FROM cleared
       )
       SELECT (SELECT count(*) FROM upserted WHERE inserted)::int AS raised,
              (SELECT count(*) FROM upserted WHERE NOT inserted)::int AS updated,
              (SELECT count(*) FROM cleared)::int AS resolved`,
      [
        findings,
        result.profileId,
        JSON.stringify(
          result.scope.map((s) => ({
            rule_id: s.ruleId,
            subject_type: s.subject.type,
            subject_id: s.subject.id,
            key_prefix: s.keyPrefix,
          })),
        ),
      ],
    );
    return counts as ApplyOutcome;
  }

  findById(id: string): Promise<Flag | null> {
    return this.dataSource.getRepository(Flag).findOne({ where: { id } });
  }

  async history(flagId: string) {
    return this.dataSource.query(
      `SELECT kind, actor, note, detail, at FROM flag_events WHERE flag_id = $1 ORDER BY id`,
      [flagId],
    ) as Promise<Array<{ kind: string; actor: string; note: string | null; detail: unknown; at: Date }>>;
  }

  list(visibility: FlagVisibility, filter: FlagFilter, after: KeysetPosition | null, limit: number): Promise<Flag[]> {
    const qb = this.dataSource.getRepository(Flag).createQueryBuilder('f');
    if (!visibility.all) {
      qb.andWhere(
        `(:org = ANY(f.organisation_ids)${visibility.jurisdictionPrefix ? ' OR EXISTS (SELECT 1 FROM unnest(f.region_codes) r WHERE starts_with(r, :jp))' : ''})`,
        { org: visibility.organisationId, jp: visibility.jurisdictionPrefix },
      );
    }
    if (filter.ruleId) qb.andWhere('f.rule_id = :ruleId', { ruleId: filter.ruleId });
    if (filter.severity) qb.andWhere('f.severity = :severity', { severity: filter.severity });
    if (filter.status) qb.andWhere('f.status = :status', { status: filter.status });
    if (filter.organisationId) qb.andWhere(':fo = ANY(f.organisation_ids)', { fo: filter.organisationId });
    if (filter.regionPrefix) {
      qb.andWhere('EXISTS (SELECT 1 FROM unnest(f.region_codes) r2 WHERE starts_with(r2, :rp))', {
        rp: filter.regionPrefix,
      });
    }
    if (filter.subjectType) qb.andWhere('f.subject_type = :st', { st: filter.subjectType });
    if (filter.subjectId) qb.andWhere('f.subject_id = :sid', { sid: filter.subjectId });
    if (filter.detectedFrom) qb.andWhere('f.detected_at >= :df', { df: filter.detectedFrom });
    if (filter.detectedTo) qb.andWhere('f.detected_at < :dt', { dt: filter.detectedTo });
    if (after) qb.andWhere('(f.detected_at, f.id) > (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('f.detected_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /** Moves a flag from one of `from` to `to` (a conditional update: the loser of a race changes nothing). */
  async transition(id: string, from: FlagStatus[], to: FlagStatus, actor: string, note: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const stamp =
        to === FlagStatus.ACKNOWLEDGED
          ? `acknowledged_at = now(), acknowledged_by = $3`
          : `resolved_at = now(), resolved_by = $3, resolution = 'MANUAL'`;
      const [rows] = await manager.query(
        `UPDATE flags SET status = $2, ${stamp} WHERE id = $1 AND status = ANY($4::flag_status[]) RETURNING id`,
        [id, to, actor, from],
      );
      if ((rows as unknown[]).length === 0) return false;
      await manager.query(`INSERT INTO flag_events (flag_id, kind, actor, note) VALUES ($1, $2, $3, $4)`, [
        id,
        to === FlagStatus.ACKNOWLEDGED ? 'ACKNOWLEDGED' : 'RESOLVED',
        actor,
        note,
      ]);
      return true;
    });
  }

  async comment(id: string, actor: string, note: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO flag_events (flag_id, kind, actor, note) VALUES ($1, 'COMMENTED', $2, $3)`,
      [id, actor, note],
    );
  }
}
