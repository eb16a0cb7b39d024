import { Injectable } from '@nestjs/common';
import { CatalogueService, IDENTIFIED_CODE } from '../catalogue/catalogue.service';
import { OperationMode } from '../catalogue/domain/operation';
import { inJurisdiction, isPlatformAdmin, isRegulator, type Principal } from '../common/auth/principal';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../common/problem/domain-errors';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { describeQuantityError, parseMass } from '../common/quantity/decimal-quantity';
import { chinaDate } from '../common/time/china-date';
import type { Organisation } from '../organisations/entities/organisation.entity';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { OrganisationsService } from '../organisations/organisations.service';
import type { PermitFinding } from './domain/permit-check';
import { effectiveState, PermitAction, PermitLifecycle, type PermitTransition } from './domain/permit-lifecycle';
import { CN_PERMIT_RULES, PermitKind, reentryBar, validatePermitDraft, type PermitDraft } from './domain/permit-rules';
import { PermitCheckQueryDto, PermitCheckResponseDto } from './dto/permit-check.dto';
import {
  CreatePermitDto,
  ListPermitsQueryDto,
  PermitDetailDto,
  PermitPageDto,
  PermitResponseDto,
  PermitStatusChangeDto,
} from './dto/permit.dto';
import type { Permit } from './entities/permit.entity';
import { PermitCheckService } from './permit-check.service';
import { PermitsRepository, type PermitVisibility } from './permits.repository';

@Injectable()
export class PermitsService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly directory: OrganisationsService,
    private readonly catalogue: CatalogueService,
    private readonly checker: PermitCheckService,
  ) {}

  /** Records a permit (regulator over the holder's region, or the platform admin). */
  async create(dto: CreatePermitDto, principal: Principal): Promise<PermitDetailDto> {
    const org = await this.organisations.findById(dto.organisationId);
    if (!org || !canManage(principal, org)) throw new NotFoundError('Organisation', dto.organisationId);

    let annualCapacityGrams: bigint | null = null;
    if (dto.annualCapacityTonnes !== undefined) {
      const parsed = parseMass(dto.annualCapacityTonnes, 't');
      if (!parsed.ok) {
        throw new ValidationFailedError('annualCapacityTonnes is invalid', [
          {
            field: 'annualCapacityTonnes',
            message: `annualCapacityTonnes ${describeQuantityError(parsed.reason, 't')}`,
          },
        ]);
      }
      annualCapacityGrams = parsed.grams;
    }
    const transport = dto.kind === PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT;
    const draft: PermitDraft = {
      kind: dto.kind,
      operationModes: dto.operationModes ?? (transport ? [OperationMode.TRANSPORT] : []),
      wasteCodes: dto.wasteCodes ?? [],
      wasteCategories: dto.wasteCategories ?? [],
      annualCapacityGrams,
      facilityAddress: dto.facilityAddress?.trim() || null,
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      dedicatedMedicalWaste: dto.dedicatedMedicalWaste ?? false,
      collectionPilot: dto.collectionPilot ?? false,
    };
    const index = await this.catalogue.index();
    const errors = validatePermitDraft(draft, CN_PERMIT_RULES, {
      isKnownCode: (code) => {
        const identified = IDENTIFIED_CODE.exec(code);
        return identified ? index.isCategoryInAnyEdition(`HW${identified[1]}`) : index.isListedInAnyEdition(code);
      },
      isKnownCategory: (category) => index.isCategoryInAnyEdition(category),
    });
    if (errors.length > 0) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);

    const today = chinaDate();
    const bar = reentryBar(await this.permits.revocationsOf(org.registrationCode), dto.kind, today, CN_PERMIT_RULES);
    if (bar) {
      throw new RuleViolationError(
        'permit-reentry-barred',
        `A licence of this legal entity (${org.registrationCode}) was revoked on ${bar.revokedOn}; no new licence of this kind may be recorded before ${bar.barredUntil} (危险废物经营许可证管理办法 Art 29)`,
        { revokedPermitId: bar.permitId, revokedOn: bar.revokedOn, barredUntil: bar.barredUntil },
      );
    }

    const permit = await this.permits.insert(
      {
        organisationId: org.id,
        kind: draft.kind,
        number: dto.number.trim(),
        operationModes: [...draft.operationModes],
        wasteCodes: [...draft.wasteCodes].sort(),
        wasteCategories: [...draft.wasteCategories].sort(),
        annualCapacityGrams: annualCapacityGrams === null ? null : annualCapacityGrams.toString(),
        facilityAddress: draft.facilityAddress,
        validFrom: draft.validFrom,
        validTo: draft.validTo,
        issuer: dto.issuer.trim(),
        dedicatedMedicalWaste: draft.dedicatedMedicalWaste,
        collectionPilot: draft.collectionPilot,
        createdBy: principal.actor,
      },
      'Permit recorded',
    );
    return this.detail(permit, today);
  }

  async list(query: ListPermitsQueryDto, principal: Principal): Promise<PermitPageDto> {
    const limit = pageLimit(query);
    const today = chinaDate();
    const rows = await this.permits.list(
      visibilityOf(principal),
      { organisationId: query.organisationId, kind: query.kind, state: query.status, today },
      decodeTimeCursor(query.cursor),
      limit,
    );
    return toPage(
      rows,
      limit,
      (p) => ({ k: p.createdAt.toISOString(), id: p.id }),
      (p) => PermitResponseDto.from(p, today),
    );
  }

  async get(id: string, principal: Principal): Promise<PermitDetailDto> {
    const { permit } = await this.findVisible(id, principal);
    return this.detail(permit, chinaDate());
  }

  /** Applies suspend / reinstate / revoke / cancel; an illegal transition is a 409 naming the current state. */
  async transition(
    id: string,
    action: PermitTransition['action'],
    reason: string,
    principal: Principal,
  ): Promise<PermitDetailDto> {
    const { org } = await this.findVisible(id, principal);
    if (!canManage(principal, org)) {
      throw new ForbiddenError('Only a regulator with jurisdiction over the holder may change this permit');
    }
    const today = chinaDate();
    const updated = await this.permits.transition(
      id,
      (permit) => {
        const from = effectiveState(permit.status, permit.validTo, today);
        const to = PermitLifecycle.next(from, action);
        if (!to) {
          throw new ConflictError(
            'permit-illegal-transition',
            `A permit that is ${from} cannot be ${pastTense(action)}`,
            { currentState: from, action, allowedActions: PermitLifecycle.allowedActions(from) },
          );
        }
        return { from, to };
      },
      { action, reason: reason.trim(), actor: principal.actor },
    );
    if (!updated) throw new NotFoundError('Permit', id);
    return this.detail(updated, today);
  }

  /** The permit check for HTTP callers: any member may ask about an organisation it can see. */
  async check(query: PermitCheckQueryDto, principal: Principal): Promise<PermitCheckResponseDto> {
    const org = await this.directory.findVisible(query.organisationId, principal);
    const unit = query.unit ?? 'kg';
    const parsed = parseMass(query.quantity ?? '0', unit);
    if (!parsed.ok) {
      throw new ValidationFailedError('quantity is invalid', [
        { field: 'quantity', message: `quantity ${describeQuantityError(parsed.reason, unit)}` },
      ]);
    }
    const result = await this.checker.check({
      organisationId: org.id,
      wasteCode: query.wasteCode,
      operation: query.operation,
      date: query.date ?? chinaDate(),
      quantityGrams: parsed.grams,
    });
    const privileged = canSeePermits(principal, org);
    const shown = (f: PermitFinding) => (privileged ? f : { ...f, details: undefined });
    return {
      allowed: result.allowed,
      organisationId: result.organisationId,
      wasteCode: result.wasteCode,
      operation: result.operation,
      date: result.date,
      quantityGrams: result.quantityGrams.toString(),
      permitId: result.permitId,
      permitNumber: result.permitNumber,
      creditGrade: result.creditGrade,
      refusals: result.refusals.map(shown),
      warnings: result.warnings.map(shown),
    };
  }

  private async findVisible(id: string, principal: Principal): Promise<{ permit: Permit; org: Organisation }> {
    const permit = await this.permits.findById(id);
    const org = permit ? await this.organisations.findById(permit.organisationId) : null;
    if (!permit || !org || !canSeePermits(principal, org)) throw new NotFoundError('Permit', id);
    return { permit, org };
  }

  private async detail(permit: Permit, today: string): Promise<PermitDetailDto> {
    const history = await this.permits.history(permit.id);
    return { ...PermitResponseDto.from(permit, today), history: history.map(PermitStatusChangeDto.from) };
  }
}

function pastTense(action: PermitAction): string {
  switch (action) {
    case PermitAction.ISSUE:
      return 'issued';
    case PermitAction.SUSPEND:
      return 'suspended';
    case PermitAction.REINSTATE:
      return 'reinstated';
    case PermitAction.REVOKE:
      return 'revoked';
    case PermitAction.CANCEL:
      return 'cancelled';
  }
}

/** Records and changes permits: the platform admin, or a regulator over the holder's region. */
function canManage(principal: Principal, org: Organisation): boolean {
  return isPlatformAdmin(principal) || inJurisdiction(principal, org.regionCode);
}

/** Sees an organisation's permits: the holder, its regulators, the platform admin. */
function canSeePermits(principal: Principal, org: Organisation): boolean {
  return (
    isPlatformAdmin(principal) ||
    (principal.kind === 'member' && principal.organisationId === org.id) ||
    inJurisdiction(principal, org.regionCode)
  );
}

function visibilityOf(principal: Principal): PermitVisibility {
  if (isPlatformAdmin(principal)) return { all: true };
  return {
    ownOrganisationId: principal.organisationId,
    jurisdictionPrefix: isRegulator(principal) ? principal.jurisdictionPrefix : null,
  };
}
