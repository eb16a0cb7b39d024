import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CatalogueService, WASTE_CODE } from '../catalogue/catalogue.service';
import { MODE_OF_KIND, OPERATION_SCHEMES, OperationMode } from '../catalogue/domain/operation';
import { ValidationFailedError } from '../common/problem/domain-errors';
import { chinaDate, chinaYearToDate, isCalendarDate } from '../common/time/china-date';
import { CreditGradesRepository } from '../credit-grades/credit-grades.repository';
import { gradeInForce, type CreditGrade } from '../credit-grades/domain/credit-grade';
import { decidePermit, type PermitDecision, type PermitFacts } from './domain/permit-check';
import { CN_PERMIT_RULES } from './domain/permit-rules';
import { PermitUsageRepository } from './permit-usage.repository';
import { PermitsRepository } from './permits.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PermitCheckInput {
  organisationId: string;
  /** NNN-NNN-NN (a listed code or 900-000-XX; its category is its last two digits). */
  wasteCode: string;
  /**
   * An operation mode (COLLECTION, STORAGE, UTILISATION, DISPOSAL, TRANSPORT) or a Chinese
   * utilisation/disposal method code (scheme CN_HW_METHOD, e.g. D10, R9, Y10), which stands for
   * its mode (R/C2/C3 → UTILISATION, D/C1/Y → DISPOSAL).
   */
  operation: string;
  /** The operation's date: YYYY-MM-DD in China time, or an instant (converted to its China date). */
  date: string | Date;
  /** Whole grams, ≥ 0. */
  quantityGrams: bigint | number;
}

export interface PermitCheckResult extends PermitDecision {
  organisationId: string;
  wasteCode: string;
  operation: OperationMode;
  date: string;
  quantityGrams: bigint;
  creditGrade: CreditGrade | null;
}

/**
 * Answers whether an organisation may receive, store, utilise, dispose of or carry a waste on
 * a date, and if not which rule says no. Manifests and receptions call `check` (optionally in
 * their own transaction) and then record what they received with PermitUsageRepository.record
 * against `result.permitId`.
 */
@Injectable()
export class PermitCheckService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly usage: PermitUsageRepository,
    private readonly creditGrades: CreditGradesRepository,
    private readonly catalogue: CatalogueService,
  ) {}

  async check(input: PermitCheckInput, manager?: EntityManager): Promise<PermitCheckResult> {
    const { wasteCode, organisationId } = input;
    if (!UUID.test(organisationId)) {
      throw new ValidationFailedError('organisationId must be a UUID', [
        { field: 'organisationId', message: 'organisationId must be a UUID' },
      ]);
    }
    if (!WASTE_CODE.test(wasteCode)) {
      throw new ValidationFailedError('wasteCode must be NNN-NNN-NN', [
        { field: 'wasteCode', message: 'wasteCode must be NNN-NNN-NN' },
      ]);
    }
    const date = input.date instanceof Date ? chinaDate(input.date) : input.date;
    if (!isCalendarDate(date)) {
      throw new ValidationFailedError('date must be YYYY-MM-DD', [{ field: 'date', message: 'not a calendar date' }]);
    }
    const quantityGrams = typeof input.quantityGrams === 'bigint' ? input.quantityGrams : toGrams(input.quantityGrams);
    if (quantityGrams < 0n) {
      throw new ValidationFailedError('quantityGrams must not be negative', [
        { field: 'quantity', message: 'must not be negative' },
      ]);
    }
    const operation = await this.resolveOperation(input.operation);

    const permits = await this.permits.ofOrganisation(organisationId, manager);
    const { from, to } = chinaYearToDate(date);
    const used = await this.usage.totals(
      permits.map((p) => p.id),
      from,
      to,
      manager,
    );
    const grades = await this.creditGrades.allOf(organisationId, manager);
    const grade =
      gradeInForce(
        grades.map((g) => ({ ...g, recordedAt: g.createdAt })),
        date,
      )?.grade ?? null;

    const facts: PermitFacts[] = permits.map((p) => ({
      id: p.id,
      number: p.number,
      kind: p.kind,
      status: p.status,
      operationModes: p.operationModes,
      wasteCodes: p.wasteCodes,
      wasteCategories: p.wasteCategories,
      annualCapacityGrams: p.annualCapacityGrams === null ? null : BigInt(p.annualCapacityGrams),
      validFrom: p.validFrom,
      validTo: p.validTo,
      usedGrams: used.get(p.id) ?? 0n,
    }));
    const decision = decidePermit(facts, grade, { wasteCode, operation, date, quantityGrams }, CN_PERMIT_RULES);
    return { organisationId, wasteCode, operation, date, quantityGrams, creditGrade: grade, ...decision };
  }

  /** An operation mode, or the mode a Chinese method code (CN_HW_METHOD) stands for. */
  async resolveOperation(operation: string): Promise<OperationMode> {
    if ((Object.values(OperationMode) as string[]).includes(operation)) return operation as OperationMode;
    const index = await this.catalogue.index();
    const code = index.operationCodes(OPERATION_SCHEMES.CN_HW_METHOD).find((o) => o.code === operation);
    if (!code) {
      throw new ValidationFailedError(`Unknown operation ${operation}`, [
        {
          field: 'operation',
          message: `operation must be one of ${Object.values(OperationMode).join(', ')} or a CN_HW_METHOD code`,
        },
      ]);
    }
    return MODE_OF_KIND[code.kind];
  }
}

function toGrams(value: number): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new ValidationFailedError('quantityGrams must be a whole number of grams', [
      { field: 'quantity', message: 'must be a whole number of grams' },
    ]);
  }
  return BigInt(value);
}
