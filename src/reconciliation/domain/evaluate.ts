/**
 * Runs every enabled rule of a profile over a batch of facts.
 *
 * ## Contract with the caller (flags store)
 *
 * - Upsert each finding by `dedupeKey` (unique): a key with no flag opens one; a key with an OPEN or
 *   ACKNOWLEDGED flag updates its severity, message and evidence (clocks keep running, a rule may
 *   escalate). Running the same batch twice yields the same keys, so it never duplicates a flag.
 * - Condition cleared: for every `scope` entry, an open flag of that rule whose key equals the entry's
 *   `keyPrefix` or starts with `keyPrefix + ':'`, and which is not among the findings, no longer
 *   holds: resolve it automatically (keeping its history). `keysToResolve()` computes exactly that.
 *   Flags outside the scope (subjects not in the batch, disabled rules, fact arrays left out of the
 *   batch) are left alone.
 * - Hence a batch must carry all the facts of each subject it names (see facts.ts).
 * - Output order is deterministic: findings sorted by dedupeKey, scope by keyPrefix (code-unit order).
 */
import type { FactBatch } from './facts';
import type { Finding } from './finding';
import type { RuleId, RuleProfile } from './rule-profile';
import { CUSTODY_BREAK_RULE } from './rules/custody-break';
import { STORAGE_LIMIT_EXCEEDED_RULE, TREATMENT_OVERDUE_RULE } from './rules/holding-limits';
import { CHAIN_TAMPERED_RULE, CLOCK_ANOMALY_RULE, ORPHAN_LOT_RULE } from './rules/lot-signals';
import { QUANTITY_DISCREPANCY_RULE, TYPE_DISCREPANCY_RULE } from './rules/manifest-discrepancy';
import { RECEIPT_CONFIRMATION_OVERDUE_RULE, TRANSIT_OVERDUE_RULE } from './rules/manifest-deadlines';
import { MASS_BALANCE_RULE } from './rules/mass-balance';
import { MEDICAL_COLLECTION_INTERVAL_RULE } from './rules/medical-collection';
import { BLACKLISTED_PARTY_RULE, CUMULATIVE_LOSS_RULE } from './rules/parties';
import { PERMIT_CAPACITY_RULE, PERMIT_SCOPE_RULE, UNLICENSED_PARTY_RULE } from './rules/permits';
import { compareStrings, type RuleDefinition, type ScopeEntry } from './rules/rule';
import { UNCONFIRMED_HANDOVER_RULE } from './rules/unconfirmed-handover';

/** Every rule, in RULE_IDS order. */
export const RULES: readonly RuleDefinition[] = [
  CUSTODY_BREAK_RULE,
  UNCONFIRMED_HANDOVER_RULE,
  QUANTITY_DISCREPANCY_RULE,
  TYPE_DISCREPANCY_RULE,
  TRANSIT_OVERDUE_RULE,
  RECEIPT_CONFIRMATION_OVERDUE_RULE,
  STORAGE_LIMIT_EXCEEDED_RULE,
  MEDICAL_COLLECTION_INTERVAL_RULE,
  TREATMENT_OVERDUE_RULE,
  UNLICENSED_PARTY_RULE,
  PERMIT_SCOPE_RULE,
  PERMIT_CAPACITY_RULE,
  MASS_BALANCE_RULE,
  ORPHAN_LOT_RULE,
  CHAIN_TAMPERED_RULE,
  CLOCK_ANOMALY_RULE,
  BLACKLISTED_PARTY_RULE,
  CUMULATIVE_LOSS_RULE,
];

export interface EvaluationResult {
  profileId: string;
  /** The evaluation instant (ISO 8601 UTC). */
  evaluatedAt: string;
  findings: Finding[];
  scope: ScopeEntry[];
}

export interface EvaluateOptions {
  /** Run only these rules (still only if enabled in the profile), e.g. a sweep of time rules. */
  only?: readonly RuleId[];
}

function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.dedupeKey, b.dedupeKey) || compareStrings(JSON.stringify(a), JSON.stringify(b));
}

export function evaluate(
  facts: FactBatch,
  profile: RuleProfile,
  now: Date,
  options: EvaluateOptions = {},
): EvaluationResult {
  if (!Number.isFinite(now.getTime())) throw new Error('evaluate: invalid now');
  const only = options.only ? new Set(options.only) : null;
  const findings: Finding[] = [];
  const scope = new Map<string, ScopeEntry>();
  for (const rule of RULES) {
    if (only && !only.has(rule.id)) continue;
    if (!profile.rules[rule.id]?.enabled) continue;
    findings.push(...rule.evaluate(facts, profile, now));
    for (const s of rule.scope(facts)) scope.set(s.keyPrefix, s);
  }
  findings.sort(compareFindings);
  const unique = findings.filter((f, i) => i === 0 || f.dedupeKey !== findings[i - 1].dedupeKey);
  return {
    profileId: profile.id,
    evaluatedAt: now.toISOString(),
    findings: unique,
    scope: [...scope.values()].sort((a, b) => compareStrings(a.keyPrefix, b.keyPrefix)),
  };
}

/**
 * The open flags (by key) that an evaluation settles as no longer holding: in its scope, absent
 * from its findings. Returned sorted.
 */
export function keysToResolve(openKeys: Iterable<string>, result: EvaluationResult): string[] {
  const found = new Set(result.findings.map((f) => f.dedupeKey));
  const prefixes = new Set(result.scope.map((s) => s.keyPrefix));
  const out = new Set<string>();
  for (const key of openKeys) {
    if (found.has(key)) continue;
    const parts = key.split(':');
    // rule:type:id is the shortest prefix; a key is in scope if any of its part-boundary prefixes is.
    for (let n = 3; n <= parts.length; n += 1) {
      if (prefixes.has(parts.slice(0, n).join(':'))) {
        out.add(key);
        break;
      }
    }
  }
  return [...out].sort(compareStrings);
}
