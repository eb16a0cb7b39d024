/**
 * When may a subject's time-based findings next change? The rules are deterministic in `now`, and
 * every clock they run is "an instant taken from the facts + a duration from the profile": a
 * handover + 24 h, a holding period's start + 36 h / 48 h / 300 days / 90 working days, the last
 * event + 90 days, the last collection + 48 h, a pickup + 48 h, a delivery + 5 working days, a
 * credit grade's validity bounds. So the next instant at which a finding can appear, escalate or
 * expire is, at the latest, the earliest `instant + duration` still in the future, over every
 * instant of the subject and every duration of the rules that judge it.
 *
 * That is an over-approximation on purpose (it may wake a subject up when nothing changes), never
 * an under-approximation, as long as a rule's clocks start at instants present in the facts. The
 * sweep re-evaluates a subject once its instant has passed (`reconciliation_subjects.due_at`).
 * Returned instants are 1 ms after the limit, because limits are strict (a finding needs the
 * limit to be exceeded).
 */
import { replayCustody } from './custody';
import {
  toMs,
  type CreditGradeFact,
  type FactBatch,
  type Instant,
  type LotFacts,
  type ManifestFacts,
  type MedicalInstitutionFacts,
} from './facts';
import type { RuleId, RuleProfile } from './rule-profile';
import { addWorkingDays } from './working-days';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The rules whose clocks run on each kind of subject. */
export const TIME_RULES: Readonly<Record<'LOT' | 'MANIFEST' | 'ORGANISATION', readonly RuleId[]>> = {
  LOT: ['UNCONFIRMED_HANDOVER', 'STORAGE_LIMIT_EXCEEDED', 'TREATMENT_OVERDUE', 'ORPHAN_LOT'],
  MANIFEST: ['TRANSIT_OVERDUE', 'RECEIPT_CONFIRMATION_OVERDUE', 'BLACKLISTED_PARTY', 'CUMULATIVE_LOSS'],
  ORGANISATION: ['MEDICAL_COLLECTION_INTERVAL'],
};

type Duration = { ms: number } | { workingDays: number };

/**
 * Every duration threshold of the enabled rules named, by the profile's naming convention:
 * `…Hours`, `…Days`, `…WorkingDays` (seconds-based thresholds are not clocks on `now`).
 */
export function durationsOf(profile: RuleProfile, rules: readonly RuleId[]): Duration[] {
  const out: Duration[] = [];
  for (const id of rules) {
    const settings = profile.rules[id];
    if (!settings?.enabled) continue;
    for (const [name, value] of Object.entries(settings.thresholds as Record<string, unknown>)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
      if (/WorkingDays$/.test(name)) out.push({ workingDays: Math.trunc(value) });
      else if (/Days$/.test(name)) out.push({ ms: value * DAY_MS });
      else if (/Hours$/.test(name)) out.push({ ms: value * HOUR_MS });
    }
  }
  return out;
}

/** The earliest `instant + duration + 1 ms` after `now` (and any `exact` instant after now), or null. */
export function earliestAfter(
  instants: Iterable<Instant | null | undefined>,
  durations: readonly Duration[],
  now: Date,
  exact: Iterable<Instant | null | undefined> = [],
): Date | null {
  const nowMs = now.getTime();
  let best = Number.POSITIVE_INFINITY;
  const consider = (ms: number) => {
    if (ms > nowMs && ms < best) best = ms;
  };
  const starts = [...new Set([...instants].filter((t): t is Instant => t != null).map(toMs))];
  for (const start of starts) {
    for (const d of durations) {
      if ('ms' in d) consider(start + d.ms + 1);
      // A working-day deadline is at least n calendar days away: skip the calendar walk when that
      // is already later than the best candidate.
      else if (start + d.workingDays * DAY_MS < best)
        consider(addWorkingDays(new Date(start), d.workingDays).getTime() + 1);
    }
  }
  for (const t of exact) if (t != null) consider(toMs(t) + 1);
  return Number.isFinite(best) ? new Date(best) : null;
}

/** Null when the lot is closed with no handover pending: nothing about it depends on time any more. */
export function lotNextCheck(lot: LotFacts, profile: RuleProfile, now: Date): Date | null {
  const replay = replayCustody(lot);
  const pending = replay.handovers.some((h) => h.resolution === null);
  if (replay.closedBy && !pending) return null;
  return earliestAfter(
    [lot.generatedAt, lot.holdingSince, ...lot.events.map((e) => e.occurredAt)],
    durationsOf(profile, TIME_RULES.LOT),
    now,
    [lot.storageExtensionUntil],
  );
}

export function institutionNextCheck(inst: MedicalInstitutionFacts, profile: RuleProfile, now: Date): Date | null {
  const settings = profile.rules.MEDICAL_COLLECTION_INTERVAL;
  if (settings.thresholds.onlyWithPendingWaste && inst.pendingWasteSince === null) return null;
  return earliestAfter(
    [inst.lastCollectedAt ?? inst.serviceStartAt],
    durationsOf(profile, TIME_RULES.ORGANISATION),
    now,
  );
}

const CLOSED_MANIFEST = new Set(['COMPLETED', 'REJECTED', 'CANCELLED']);

export function manifestNextCheck(
  manifest: ManifestFacts,
  grades: readonly CreditGradeFact[],
  profile: RuleProfile,
  now: Date,
): Date | null {
  if (CLOSED_MANIFEST.has(manifest.status)) return null;
  const parties = new Set([
    manifest.consignorId,
    manifest.consigneeId,
    ...manifest.carriers.map((c) => c.organisationId),
  ]);
  const partyGrades = grades.filter((g) => parties.has(g.organisationId));
  return earliestAfter(
    [manifest.submittedAt, ...manifest.steps.flatMap((s) => [s.occurredAt, s.recordedAt])],
    durationsOf(profile, TIME_RULES.MANIFEST),
    now,
    partyGrades.flatMap((g) => [g.validFrom, g.validTo]),
  );
}

/**
 * Next check per subject of a batch, keyed `<SUBJECT_TYPE>:<id>`: lots, manifests and medical
 * institutions. Facility periods and other subjects do not depend on time (absent from the map).
 */
export function nextChecks(facts: FactBatch, profile: RuleProfile, now: Date): Map<string, Date | null> {
  const out = new Map<string, Date | null>();
  for (const lot of facts.lots ?? []) out.set(`LOT:${lot.id}`, lotNextCheck(lot, profile, now));
  for (const m of facts.manifests ?? [])
    out.set(`MANIFEST:${m.id}`, manifestNextCheck(m, facts.creditGrades ?? [], profile, now));
  for (const i of facts.medicalInstitutions ?? [])
    out.set(`ORGANISATION:${i.organisationId}`, institutionNextCheck(i, profile, now));
  return out;
}
