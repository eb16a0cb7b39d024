import type { RuleAction, RuleId, RuleSettings, Severity } from './rule-profile';

export type SubjectType = 'LOT' | 'MANIFEST' | 'ORGANISATION' | 'FACILITY_PERIOD';

export interface Subject {
  type: SubjectType;
  /** For FACILITY_PERIOD: `<facilityId>@<YYYY-MM>` (facilityPeriodId). */
  id: string;
}

export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };
export type Evidence = { [key: string]: EvidenceValue };

/**
 * What a rule reports. The caller stores it as a flag keyed by `dedupeKey`: the same condition
 * always yields the same key, so re-running a rule never duplicates a flag. Severity, message and
 * evidence may change between runs for the same key (a clock that keeps running, an escalation):
 * the caller updates the open flag.
 */
export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /** What the profile says to do about this rule (a synchronous path may BLOCK on it). */
  action: RuleAction;
  subject: Subject;
  /** Organisations involved, sorted, unique (for tenancy and notification). */
  organisationIds: string[];
  /** `<ruleId>:<subjectType>:<subjectId>[:<qualifier>…]`, parts escaped (see dedupeKey). */
  dedupeKey: string;
  message: string;
  /** The numbers, times (ISO 8601 UTC) and ids that prove it. */
  evidence: Evidence;
}

const escapePart = (part: string | number): string => String(part).replace(/%/g, '%25').replace(/:/g, '%3A');

/**
 * `<ruleId>:<subjectType>:<subjectId>[:<qualifier>…]`, each part with `%` and `:` percent-escaped so
 * that `:` only ever separates parts (and a key prefix ends on a part boundary).
 */
export function dedupeKey(ruleId: RuleId, subject: Subject, ...qualifiers: (string | number)[]): string {
  return [ruleId, subject.type, subject.id, ...qualifiers].map(escapePart).join(':');
}

/** Subject id of a facility's calendar month. */
export function facilityPeriodId(facilityId: string, month: string): string {
  return `${facilityId}@${month}`;
}

export function uniqueSorted(ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))].sort();
}

/** Builds a Finding with the action from the rule's settings and a severity defaulting to the rule's. */
export function makeFinding(
  ruleId: RuleId,
  settings: Pick<RuleSettings<unknown>, 'action' | 'severity'>,
  f: {
    subject: Subject;
    qualifiers?: (string | number)[];
    severity?: Severity;
    organisationIds: (string | null | undefined)[];
    message: string;
    evidence: Evidence;
  },
): Finding {
  return {
    ruleId,
    severity: f.severity ?? settings.severity,
    action: settings.action,
    subject: f.subject,
    organisationIds: uniqueSorted(f.organisationIds),
    dedupeKey: dedupeKey(ruleId, f.subject, ...(f.qualifiers ?? [])),
    message: f.message,
    evidence: f.evidence,
  };
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { INFO: 0, WARNING: 1, HIGH: 2, CRITICAL: 3 };
