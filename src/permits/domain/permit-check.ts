import { OperationMode } from '../../catalogue/domain/operation';
import { CreditGrade } from '../../credit-grades/domain/credit-grade';
import { PermitStatus } from './permit-lifecycle';
import { categoryOfCode, FAMILY_OF, PermitFamily, PermitKind, type PermitRuleProfile } from './permit-rules';

/** The rules a permit check can cite. */
export enum PermitRule {
  NOT_LICENSED = 'NOT_LICENSED',
  CODE_OUT_OF_SCOPE = 'CODE_OUT_OF_SCOPE',
  OPERATION_NOT_COVERED = 'OPERATION_NOT_COVERED',
  PERMIT_REVOKED = 'PERMIT_REVOKED',
  PERMIT_CANCELLED = 'PERMIT_CANCELLED',
  PERMIT_NOT_YET_VALID = 'PERMIT_NOT_YET_VALID',
  PERMIT_EXPIRED = 'PERMIT_EXPIRED',
  PERMIT_SUSPENDED = 'PERMIT_SUSPENDED',
  CAPACITY = 'CAPACITY',
  BLACKLISTED = 'BLACKLISTED',
}

/** One permit as the decision sees it, with what was already used against it this calendar year. */
export interface PermitFacts {
  id: string;
  number: string;
  kind: PermitKind;
  status: PermitStatus;
  operationModes: readonly OperationMode[];
  wasteCodes: readonly string[];
  wasteCategories: readonly string[];
  annualCapacityGrams: bigint | null;
  validFrom: string;
  validTo: string;
  /** Quantity recorded against the permit from 1 January to the check date (China time). */
  usedGrams: bigint;
}

export interface PermitCheckRequest {
  wasteCode: string;
  operation: OperationMode;
  /** YYYY-MM-DD, China time. */
  date: string;
  quantityGrams: bigint;
}

export interface PermitFinding {
  rule: PermitRule;
  permitId: string | null;
  permitNumber: string | null;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface PermitDecision {
  allowed: boolean;
  /** The permit the operation is allowed under (record usage against it); null when refused. */
  permitId: string | null;
  permitNumber: string | null;
  refusals: PermitFinding[];
  warnings: PermitFinding[];
}

const familyOfOperation = (op: OperationMode) =>
  op === OperationMode.TRANSPORT ? PermitFamily.DANGEROUS_GOODS_TRANSPORT : PermitFamily.HW_OPERATING;

interface Evaluation {
  permit: PermitFacts;
  /** How far down the checks the permit got before its first failure (higher is closer to allowing). */
  depth: number;
  refusals: PermitFinding[];
  warning: PermitFinding | null;
  /** Projected use in basis points of the capacity (for choosing among passing permits). */
  load: bigint;
}

/** Percentage with two decimals, exact: 12000 basis points → "120.00". */
const percent = (basisPoints: bigint) => `${basisPoints / 100n}.${(basisPoints % 100n).toString().padStart(2, '0')}`;

function evaluate(p: PermitFacts, req: PermitCheckRequest, profile: PermitRuleProfile): Evaluation {
  const refusals: PermitFinding[] = [];
  const refuse = (rule: PermitRule, message: string, details?: PermitFinding['details']) =>
    refusals.push({ rule, permitId: p.id, permitNumber: p.number, message, ...(details ? { details } : {}) });
  let depth = 0;
  const stage = (failed: boolean) => {
    if (!failed && refusals.length === 0) depth++;
  };

  const category = categoryOfCode(req.wasteCode);
  const inScope = p.wasteCodes.includes(req.wasteCode) || p.wasteCategories.includes(category);
  if (!inScope)
    refuse(PermitRule.CODE_OUT_OF_SCOPE, `permit ${p.number} does not cover ${req.wasteCode} (${category})`);
  stage(!inScope);

  const covered = p.operationModes.includes(req.operation);
  if (!covered) {
    refuse(
      PermitRule.OPERATION_NOT_COVERED,
      `permit ${p.number} covers ${p.operationModes.join(', ')}, not ${req.operation}`,
    );
  }
  stage(!covered);

  const terminal = p.status === PermitStatus.REVOKED || p.status === PermitStatus.CANCELLED;
  if (p.status === PermitStatus.REVOKED) refuse(PermitRule.PERMIT_REVOKED, `permit ${p.number} is revoked`);
  if (p.status === PermitStatus.CANCELLED) refuse(PermitRule.PERMIT_CANCELLED, `permit ${p.number} is cancelled`);
  stage(terminal);

  const early = req.date < p.validFrom;
  const late = req.date > p.validTo;
  if (early) {
    refuse(PermitRule.PERMIT_NOT_YET_VALID, `permit ${p.number} is valid from ${p.validFrom}`, {
      validFrom: p.validFrom,
    });
  }
  if (late) refuse(PermitRule.PERMIT_EXPIRED, `permit ${p.number} expired after ${p.validTo}`, { validTo: p.validTo });
  stage(early || late);

  const suspended = p.status === PermitStatus.SUSPENDED;
  if (suspended) refuse(PermitRule.PERMIT_SUSPENDED, `permit ${p.number} is suspended`);
  stage(suspended);

  let warning: PermitFinding | null = null;
  let load = 0n;
  // Capacity only matters for a permit that otherwise allows the operation.
  if (refusals.length === 0 && p.annualCapacityGrams !== null && p.annualCapacityGrams > 0n) {
    const capacity = p.annualCapacityGrams;
    const projected = p.usedGrams + req.quantityGrams;
    load = (projected * 10000n) / capacity;
    const details = {
      year: Number(req.date.slice(0, 4)),
      capacityGrams: capacity.toString(),
      usedGrams: p.usedGrams.toString(),
      requestedGrams: req.quantityGrams.toString(),
      projectedGrams: projected.toString(),
      projectedPercent: percent(load),
    };
    if (projected * 100n > capacity * BigInt(profile.capacityRefusePercent)) {
      refuse(
        PermitRule.CAPACITY,
        `this would bring permit ${p.number} to ${percent(load)}% of its annual capacity for ${details.year}, above ${profile.capacityRefusePercent}%`,
        details,
      );
    } else if (projected * 100n >= capacity * BigInt(profile.capacityWarnPercent)) {
      warning = {
        rule: PermitRule.CAPACITY,
        permitId: p.id,
        permitNumber: p.number,
        message: `this brings permit ${p.number} to ${percent(load)}% of its annual capacity for ${details.year}`,
        details,
      };
    }
  }
  stage(refusals.length > 0);
  return { permit: p, depth, refusals, warning, load };
}

/**
 * Is `request` allowed for an organisation holding `permits`, and if not, which rule says no.
 * Pure: the caller supplies the permits, their calendar-year usage and the credit grade in force.
 *
 * Each permit of the family the operation needs (transport permits for TRANSPORT, HW operating
 * licences otherwise) is checked in order: code in scope → operation covered → not revoked or
 * cancelled → date within [valid_from, valid_to] (both inclusive) → not suspended; a permit passing
 * all of these is then held to its capacity (refused above the profile's refuse percentage, warned
 * from its warn percentage). The request
 * is allowed under a permit passing every check; otherwise the refusals of the permits that got
 * furthest are reported.
 */
export function decidePermit(
  permits: readonly PermitFacts[],
  creditGrade: CreditGrade | null,
  request: PermitCheckRequest,
  profile: PermitRuleProfile,
): PermitDecision {
  const warnings: PermitFinding[] = [];
  const refusals: PermitFinding[] = [];
  if (creditGrade === CreditGrade.BLACK) {
    const finding: PermitFinding = {
      rule: PermitRule.BLACKLISTED,
      permitId: null,
      permitNumber: null,
      message: 'the organisation’s environmental credit grade is BLACK (blacklisted)',
      details: { grade: creditGrade },
    };
    (profile.blacklist === 'REFUSE' ? refusals : warnings).push(finding);
  }

  const family = familyOfOperation(request.operation);
  const relevant = permits.filter((p) => FAMILY_OF[p.kind] === family);
  if (relevant.length === 0) {
    refusals.unshift({
      rule: PermitRule.NOT_LICENSED,
      permitId: null,
      permitNumber: null,
      message:
        family === PermitFamily.DANGEROUS_GOODS_TRANSPORT
          ? 'the organisation holds no road dangerous-goods transport permit'
          : 'the organisation holds no hazardous-waste operating licence',
    });
    return { allowed: false, permitId: null, permitNumber: null, refusals, warnings };
  }

  const evaluations = relevant.map((p) => evaluate(p, request, profile));
  const passing = evaluations
    .filter((e) => e.refusals.length === 0)
    .sort((a, b) => (a.load < b.load ? -1 : a.load > b.load ? 1 : a.permit.id < b.permit.id ? -1 : 1));
  if (passing.length > 0 && refusals.length === 0) {
    const chosen = passing[0];
    return {
      allowed: true,
      permitId: chosen.permit.id,
      permitNumber: chosen.permit.number,
      refusals: [],
      warnings: [...(chosen.warning ? [chosen.warning] : []), ...warnings],
    };
  }
  if (passing.length === 0) {
    const deepest = Math.max(...evaluations.map((e) => e.depth));
    refusals.unshift(...evaluations.filter((e) => e.depth === deepest).flatMap((e) => e.refusals));
  }
  return { allowed: false, permitId: null, permitNumber: null, refusals, warnings };
}
