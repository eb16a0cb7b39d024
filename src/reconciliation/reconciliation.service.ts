import { Injectable } from '@nestjs/common';
import type { ApplyOutcome } from '../flags/flags.repository';
import { FlagsRepository } from '../flags/flags.repository';
import { evaluate } from './domain/evaluate';
import { nextChecks } from './domain/next-check';
import { parseFacilityPeriod } from './facts/facility-months';
import { FactsLoader } from './facts/facts.loader';
import { ProfilesService } from './profiles.service';
import { RunsRepository } from './runs.repository';
import { SubjectsRepository, type SubjectKey } from './subjects.repository';

/** Subjects to reconcile, each judged in full. */
export interface SubjectSet {
  lotIds?: readonly string[];
  manifestIds?: readonly string[];
  /** Organisations judged as subjects (medical institutions). */
  organisationIds?: readonly string[];
  /** `<facilityId>@<YYYY-MM>`. */
  facilityPeriods?: readonly string[];
}

export interface ReconcileOptions {
  /** Also reconcile the institutions and facility months the lots' events relate to. */
  expand?: boolean;
  /** A batch of a full run: counted once into the run, skipped if already processed. */
  run?: { runId: string; batchNo: number };
  /** The evaluation instant (default: now). */
  now?: Date;
}

export interface ReconcileOutcome extends ApplyOutcome {
  subjects: number;
  /** True when the batch of a run had already been processed (nothing done). */
  skipped: boolean;
  profileId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: readonly string[] | undefined) => [...new Set((ids ?? []).filter((id) => UUID.test(id)))].sort();

function keysOf(s: Required<Pick<SubjectSet, 'lotIds' | 'manifestIds' | 'organisationIds' | 'facilityPeriods'>>) {
  return [
    ...s.lotIds.map((id) => ({ type: 'LOT', id })),
    ...s.manifestIds.map((id) => ({ type: 'MANIFEST', id })),
    ...s.organisationIds.map((id) => ({ type: 'ORGANISATION', id })),
    ...s.facilityPeriods.map((id) => ({ type: 'FACILITY_PERIOD', id })),
  ];
}

/**
 * Reconciles a set of subjects in ONE transaction: locks the subjects (their
 * `reconciliation_subjects` rows, in key order), loads their facts set-based, evaluates them with
 * the profile in force, stores the findings as flags (upsert by dedupe key, automatic clearing)
 * and records when each subject is next due. Idempotent: the same facts give the same keys, so a
 * replay raises nothing new and a flag a regulator resolved stays resolved.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly subjects: SubjectsRepository,
    private readonly loader: FactsLoader,
    private readonly profiles: ProfilesService,
    private readonly flags: FlagsRepository,
    private readonly runs: RunsRepository,
  ) {}

  async reconcile(set: SubjectSet, options: ReconcileOptions = {}): Promise<ReconcileOutcome> {
    const now = options.now ?? new Date();
    const profile = await this.profiles.inForce(now);
    const wanted = {
      lotIds: uuids(set.lotIds),
      manifestIds: uuids(set.manifestIds),
      organisationIds: uuids(set.organisationIds),
      facilityPeriods: [...new Set(set.facilityPeriods ?? [])]
        .filter((id) => UUID.test(parseFacilityPeriod(id)?.facilityId ?? ''))
        .sort(),
    };
    const count =
      wanted.lotIds.length + wanted.manifestIds.length + wanted.organisationIds.length + wanted.facilityPeriods.length;
    return this.subjects.transaction(async (manager) => {
      if (options.run && !(await this.runs.beginBatch(manager, options.run.runId, options.run.batchNo, count))) {
        return { raised: 0, updated: 0, resolved: 0, subjects: count, skipped: true, profileId: profile.id };
      }
      const locked = new Set<string>();
      const lock = async (keys: SubjectKey[]) => {
        const fresh = keys.filter((k) => !locked.has(`${k.type}:${k.id}`));
        await this.subjects.lock(manager, fresh, profile.id);
        for (const k of fresh) locked.add(`${k.type}:${k.id}`);
      };
      await lock(keysOf(wanted));

      const part = await this.loader.loadLots(manager, wanted.lotIds, now);
      if (options.expand) {
        const related = await this.loader.relatedSubjects(manager, part, now);
        const extra = {
          lotIds: [],
          manifestIds: [],
          organisationIds: related.organisationIds.filter((id) => !wanted.organisationIds.includes(id)),
          facilityPeriods: related.facilityPeriods.filter((id) => !wanted.facilityPeriods.includes(id)),
        };
        await lock(keysOf(extra));
        wanted.organisationIds.push(...extra.organisationIds);
        wanted.facilityPeriods.push(...extra.facilityPeriods);
      }

      const facts = await this.loader.load(manager, { ...wanted, now, profile }, part);
      const result = evaluate(facts, profile, now);
      // A rule may name a subject outside the batch (e.g. a consignor → consignee pair): lock it too.
      await lock(
        [...result.findings.map((f) => f.subject), ...result.scope.map((s) => s.subject)].map((s) => ({
          type: s.type,
          id: s.id,
        })),
      );
      const outcome = await this.flags.apply(manager, result, { subjectsLocked: true });
      await this.subjects.setDue(manager, nextChecks(facts, profile, now));
      if (options.run) {
        await this.runs.finishBatch(manager, options.run.runId, options.run.batchNo, {
          subjects: count,
          raised: outcome.raised,
          resolved: outcome.resolved,
        });
      }
      return { ...outcome, subjects: count, skipped: false, profileId: profile.id };
    });
  }
}
