import { Injectable } from '@nestjs/common';
import { inJurisdiction, isPlatformAdmin, type Principal } from '../common/auth/principal';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { chinaDate } from '../common/time/china-date';
import { chinaYearOf, reportPeriod } from '../common/time/report-period';
import { CreditGradesRepository } from '../credit-grades/credit-grades.repository';
import { gradeInForce } from '../credit-grades/domain/credit-grade';
import { CreditGradeResponseDto } from '../credit-grades/dto/credit-grade.dto';
import { OrganisationResponseDto } from '../organisations/dto/organisation.dto';
import type { Organisation } from '../organisations/entities/organisation.entity';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { effectiveState } from '../permits/domain/permit-lifecycle';
import type { PermitStatus } from '../permits/domain/permit-lifecycle';
import { AuditRepository, type FlowRow } from './audit.repository';
import { addFlows, massBalance, ZERO_FLOWS, type Flows } from './domain/mass-balance';
import { AmountDto, MassDto, PeriodDto } from './dto/common.dto';
import type { FlowsDto, OrganisationAuditDto, OrganisationAuditQueryDto, TierDto } from './dto/organisation-audit.dto';
import { KeyUnitAction } from './entities/key-unit-designation.entity';
import { KeyUnitsRepository } from './key-units.repository';
import { TierService } from './tier.service';

/** What an organisation generated, received, sent, treated and holds; its balance, flags, permits, grade and tier. */
@Injectable()
export class OrganisationReportService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly grades: CreditGradesRepository,
    private readonly tiers: TierService,
    private readonly keyUnits: KeyUnitsRepository,
  ) {}

  /** The organisation itself, regulators over its region and the platform admin; 404 for anyone else. */
  async report(id: string, query: OrganisationAuditQueryDto, principal: Principal): Promise<OrganisationAuditDto> {
    const org = await this.organisations.findById(id);
    if (!org || !canRead(principal, org)) throw new NotFoundError('Organisation', id);
    const period = reportPeriod(query.from, query.to);
    if (!period) {
      throw new ValidationFailedError('The period is empty: `to` must be after `from`', [
        { field: 'to', message: 'must be after from', code: 'period-order' },
      ]);
    }
    const tierYear = query.tierYear ?? chinaYearOf(new Date(period.to.getTime() - 1));
    const [flows, flags, permits, grades, tiers, designations] = await Promise.all([
      this.audit.organisationFlows(id, period.from, period.to),
      this.audit.openFlagsByRule(id),
      this.audit.permitsOf(id),
      this.grades.allOf(id),
      this.tiers.assess([id], tierYear),
      this.keyUnits.latestIn({ kind: 'organisation', organisationId: id, regionCode: org.regionCode }),
    ]);
    const today = chinaDate();
    const grade = gradeInForce(
      grades.map((g) => ({ ...g, recordedAt: g.createdAt })),
      today,
    );
    const unit = tiers.get(id)!;
    const grams = flows.filter((f) => f.unit === 'g').reduce<Flows>((sum, f) => addFlows(sum, f), ZERO_FLOWS);
    const totalBalance = massBalance(grams);
    const tier: TierDto = {
      year: tierYear,
      tier: unit.assessment.tier,
      reasons: unit.assessment.reasons,
      annualQuantity: {
        ...MassDto.of(unit.assessment.annualQuantity.grams),
        method: unit.assessment.annualQuantity.method,
        years: unit.assessment.annualQuantity.years,
        maxYear: unit.assessment.annualQuantity.maxYear,
      },
      generatedByYear: [...unit.yearly.entries()]
        .sort(([a], [b]) => a - b)
        .map(([year, g]) => ({ year, ...MassDto.of(g) })),
      ownFacility: unit.ownFacility,
      operatingLicence: unit.operatingLicence,
      declarations: [...unit.assessment.declarations],
      manuallyListed: designations[0]?.action === KeyUnitAction.ADD,
      profileId: unit.assessment.profileId,
    };
    return {
      organisation: OrganisationResponseDto.from(org),
      period: PeriodDto.of(period),
      flows: flows.map((f) => ({
        wasteCode: f.wasteCode,
        wasteCategory: f.wasteCategory,
        unit: f.unit,
        ...flowsDto(f, f.unit),
      })),
      totals: {
        heldStart: MassDto.of(grams.heldStart),
        generated: MassDto.of(grams.generated),
        received: MassDto.of(grams.received),
        sent: MassDto.of(grams.sent),
        treated: MassDto.of(grams.treated),
        disposed: MassDto.of(grams.disposed),
        heldEnd: MassDto.of(grams.heldEnd),
        residual: MassDto.of(totalBalance.residual),
        balanced: totalBalance.balanced,
      },
      openFlags: { total: flags.reduce((n, f) => n + f.count, 0), byRule: flags },
      permits: permits.map((p) => ({
        id: p.id,
        kind: p.kind,
        number: p.number,
        state: effectiveState(p.status as PermitStatus, p.validTo, today),
        operationModes: p.operationModes,
        wasteCodes: p.wasteCodes,
        wasteCategories: p.wasteCategories,
        annualCapacity: p.annualCapacityGrams === null ? null : MassDto.of(BigInt(p.annualCapacityGrams)),
        validFrom: p.validFrom,
        validTo: p.validTo,
        issuer: p.issuer,
      })),
      creditGrade: grade ? CreditGradeResponseDto.from(grade) : null,
      tier,
      generatedAt: new Date().toISOString(),
    };
  }
}

function flowsDto(f: FlowRow | Flows, unit: string): FlowsDto {
  const b = massBalance(f);
  const a = (v: bigint) => AmountDto.of(v, unit);
  return {
    heldStart: a(f.heldStart),
    generated: a(f.generated),
    received: a(f.received),
    sent: a(f.sent),
    treated: a(f.treated),
    disposed: a(f.disposed),
    heldEnd: a(f.heldEnd),
    lineage: a(f.lineage),
    corrections: a(f.corrections),
    massBalance: {
      heldChange: a(b.heldChange),
      residual: a(b.residual),
      unexplained: a(b.unexplained),
      balanced: b.balanced,
    },
  };
}

export function canRead(principal: Principal, org: Pick<Organisation, 'id' | 'regionCode'>): boolean {
  return isPlatformAdmin(principal) || principal.organisationId === org.id || inJurisdiction(principal, org.regionCode);
}
