/**
 * UNLICENSED_PARTY, PERMIT_SCOPE, PERMIT_CAPACITY: map the permits feature's check results (one per
 * party, step and code) to findings.
 * - UNLICENSED_PARTY: NO_PERMIT, PERMIT_NOT_ACTIVE (suspended, revoked, cancelled), PERMIT_EXPIRED.
 * - PERMIT_SCOPE: CODE_NOT_COVERED, OPERATION_NOT_COVERED, SITE_NOT_COVERED (两高解释 Art 19:
 *   beyond the scope counts as unlicensed).
 *   One finding per (manifest, party, code) however many steps failed; the evidence lists the
 *   failing checks. It clears only when no failing check for it remains in the facts — pass only
 *   the latest check per party and step if a later OK should supersede an earlier failure.
 * - PERMIT_CAPACITY: year-to-date against the licensed annual scale, per organisation, permit and
 *   (China) year: warn at 90 %, flag above 100 %, escalate above 120 % (the profile's numbers).
 */
import { isoOf, toMs, type FactBatch, type PermitCheckFact, type PermitCheckOutcome } from '../facts';
import { makeFinding, type Finding } from '../finding';
import type { RuleProfile, Severity } from '../rule-profile';
import { chinaCalendarDate } from '../working-days';
import { compareStrings, scopeEntry, type RuleDefinition, type ScopeEntry } from './rule';

const UNLICENSED: ReadonlySet<PermitCheckOutcome> = new Set(['NO_PERMIT', 'PERMIT_NOT_ACTIVE', 'PERMIT_EXPIRED']);
const OUT_OF_SCOPE: ReadonlySet<PermitCheckOutcome> = new Set([
  'CODE_NOT_COVERED',
  'OPERATION_NOT_COVERED',
  'SITE_NOT_COVERED',
]);

function byCheckTime(a: PermitCheckFact, b: PermitCheckFact): number {
  return toMs(a.checkedAt) - toMs(b.checkedAt) || compareStrings(a.step, b.step);
}

function outcomeFindings(
  ruleId: 'UNLICENSED_PARTY' | 'PERMIT_SCOPE',
  outcomes: ReadonlySet<PermitCheckOutcome>,
  facts: FactBatch,
  profile: RuleProfile,
): Finding[] {
  const settings = profile.rules[ruleId];
  const manifests = new Map((facts.manifests ?? []).map((m) => [m.id, m]));
  const groups = new Map<string, PermitCheckFact[]>();
  for (const c of facts.permitChecks ?? []) {
    if (!outcomes.has(c.outcome)) continue;
    const key = JSON.stringify([c.manifestId, c.organisationId, c.wasteCode ?? '*']);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const out: Finding[] = [];
  for (const checks of groups.values()) {
    checks.sort(byCheckTime);
    const c = checks[checks.length - 1];
    const m = manifests.get(c.manifestId);
    const found = [...new Set(checks.map((x) => x.outcome))].sort();
    out.push(
      makeFinding(ruleId, settings, {
        subject: { type: 'MANIFEST', id: c.manifestId },
        qualifiers: [c.organisationId, c.wasteCode ?? '*'],
        organisationIds: [c.organisationId, m?.consignorId],
        message: `Manifest ${m?.number ?? c.manifestId}: ${c.partyRole.toLowerCase()} ${c.organisationId} ${
          ruleId === 'UNLICENSED_PARTY' ? 'has no valid permit' : 'has a permit that does not cover this transfer'
        }${c.wasteCode ? ` for ${c.wasteCode}` : ''} (${found.join(', ')}).`,
        evidence: {
          partyId: c.organisationId,
          partyRole: c.partyRole,
          wasteCode: c.wasteCode,
          outcomes: found,
          checks: checks.map((x) => ({
            step: x.step,
            checkedAt: isoOf(x.checkedAt),
            outcome: x.outcome,
            permitId: x.permitId,
          })),
        },
      }),
    );
  }
  return out;
}

export function unlicensedParty(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  return outcomeFindings('UNLICENSED_PARTY', UNLICENSED, facts, profile);
}

export function permitScope(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  return outcomeFindings('PERMIT_SCOPE', OUT_OF_SCOPE, facts, profile);
}

interface CapacityReading {
  organisationId: string;
  permitRef: string;
  /** China calendar year of the check. */
  year: string;
  used: number;
  capacity: number;
  check: PermitCheckFact;
}

function capacityReading(c: PermitCheckFact): CapacityReading | null {
  if (c.annualCapacityGrams == null || c.annualCapacityGrams <= 0 || c.yearToDateGrams == null) return null;
  return {
    organisationId: c.organisationId,
    permitRef: c.permitId ?? '-',
    year: chinaCalendarDate(new Date(toMs(c.checkedAt))).slice(0, 4),
    used: c.yearToDateGrams,
    capacity: c.annualCapacityGrams,
    check: c,
  };
}

const big = (n: number): bigint => BigInt(Math.trunc(n));

/** Sign of used/capacity − percent/100, exactly. */
function comparePercent(r: CapacityReading, percent: number): number {
  const left = big(r.used) * 100n;
  const right = big(r.capacity) * big(percent);
  return left > right ? 1 : left < right ? -1 : 0;
}

/** Sign of a.used/a.capacity − b.used/b.capacity, exactly; ties go to the later check. */
function compareReadings(a: CapacityReading, b: CapacityReading): number {
  const left = big(a.used) * big(b.capacity);
  const right = big(b.used) * big(a.capacity);
  return left > right ? 1 : left < right ? -1 : byCheckTime(a.check, b.check);
}

export function permitCapacity(facts: FactBatch, profile: RuleProfile, _now?: Date): Finding[] {
  const settings = profile.rules.PERMIT_CAPACITY;
  const t = settings.thresholds;
  // The highest utilisation per organisation, permit and year (year-to-date only grows).
  const worst = new Map<string, CapacityReading>();
  for (const c of facts.permitChecks ?? []) {
    const r = capacityReading(c);
    if (!r) continue;
    const key = JSON.stringify([r.organisationId, r.permitRef, r.year]);
    const prev = worst.get(key);
    if (!prev || compareReadings(r, prev) > 0) worst.set(key, r);
  }
  const out: Finding[] = [];
  for (const r of worst.values()) {
    let severity: Severity | null = null;
    let level = '';
    if (comparePercent(r, t.escalateAbovePercent) > 0) {
      severity = settings.escalatedSeverity ?? 'CRITICAL';
      level = `above ${t.escalateAbovePercent} %`;
    } else if (comparePercent(r, t.flagAbovePercent) > 0) {
      severity = settings.severity;
      level = `above ${t.flagAbovePercent} %`;
    } else if (comparePercent(r, t.warnAtPercent) >= 0) {
      severity = settings.warningSeverity ?? 'WARNING';
      level = `at or above ${t.warnAtPercent} %`;
    }
    if (severity === null) continue;
    const percent = Math.round((r.used / r.capacity) * 10_000) / 100;
    out.push(
      makeFinding('PERMIT_CAPACITY', settings, {
        subject: { type: 'ORGANISATION', id: r.organisationId },
        qualifiers: [r.permitRef, r.year],
        severity,
        organisationIds: [r.organisationId],
        message: `Organisation ${r.organisationId}: ${percent} % of its licensed annual scale used in ${r.year} (${level}).`,
        evidence: {
          permitId: r.check.permitId,
          year: r.year,
          annualCapacityGrams: r.capacity,
          yearToDateGrams: r.used,
          utilisationPercent: percent,
          warnAtPercent: t.warnAtPercent,
          flagAbovePercent: t.flagAbovePercent,
          escalateAbovePercent: t.escalateAbovePercent,
          lastCheck: { manifestId: r.check.manifestId, step: r.check.step, checkedAt: isoOf(r.check.checkedAt) },
        },
      }),
    );
  }
  return out;
}

function manifestUnits(ruleId: 'UNLICENSED_PARTY' | 'PERMIT_SCOPE', facts: FactBatch): ScopeEntry[] {
  const ids = [...new Set((facts.permitChecks ?? []).map((c) => c.manifestId))];
  return ids.map((id) => scopeEntry(ruleId, { type: 'MANIFEST', id }));
}

export const UNLICENSED_PARTY_RULE: RuleDefinition = {
  id: 'UNLICENSED_PARTY',
  evaluate: unlicensedParty,
  scope: (facts) => manifestUnits('UNLICENSED_PARTY', facts),
};

export const PERMIT_SCOPE_RULE: RuleDefinition = {
  id: 'PERMIT_SCOPE',
  evaluate: permitScope,
  scope: (facts) => manifestUnits('PERMIT_SCOPE', facts),
};

export const PERMIT_CAPACITY_RULE: RuleDefinition = {
  id: 'PERMIT_CAPACITY',
  evaluate: permitCapacity,
  scope: (facts) =>
    (facts.permitChecks ?? []).flatMap((c) => {
      const r = capacityReading(c);
      return r
        ? [scopeEntry('PERMIT_CAPACITY', { type: 'ORGANISATION', id: r.organisationId }, r.permitRef, r.year)]
        : [];
    }),
};
