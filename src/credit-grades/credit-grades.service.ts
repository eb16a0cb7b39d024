import { Injectable } from '@nestjs/common';
import { inJurisdiction, isPlatformAdmin, type Principal } from '../common/auth/principal';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { pageLimit, toPage, type PageQueryDto } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { chinaDate } from '../common/time/china-date';
import type { Organisation } from '../organisations/entities/organisation.entity';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { CreditGradesRepository } from './credit-grades.repository';
import { CreditGrade, gradeInForce } from './domain/credit-grade';
import { CreateCreditGradeDto, CreditGradePageDto, CreditGradeResponseDto } from './dto/credit-grade.dto';

@Injectable()
export class CreditGradesService {
  constructor(
    private readonly grades: CreditGradesRepository,
    private readonly organisations: OrganisationsRepository,
  ) {}

  /** A regulator records a grade for an organisation in its jurisdiction (404 outside it). */
  async record(
    organisationId: string,
    dto: CreateCreditGradeDto,
    principal: Principal,
  ): Promise<CreditGradeResponseDto> {
    const org = await this.organisations.findById(organisationId);
    if (!org || !inJurisdiction(principal, org.regionCode)) throw new NotFoundError('Organisation', organisationId);
    if (dto.validTo !== undefined && dto.validTo < dto.validFrom) {
      throw new ValidationFailedError('validTo must not be before validFrom', [
        { field: 'validTo', code: 'validity-order', message: 'validTo must not be before validFrom' },
      ]);
    }
    const saved = await this.grades.insert({
      organisationId,
      grade: dto.grade,
      issuer: dto.issuer.trim(),
      validFrom: dto.validFrom,
      validTo: dto.validTo ?? null,
      sourceDocument: dto.sourceDocument.trim(),
      createdBy: principal.actor,
    });
    return CreditGradeResponseDto.from(saved);
  }

  /** The organisation itself, regulators over its region and the platform admin read its grades; others get 404. */
  async list(organisationId: string, query: PageQueryDto, principal: Principal): Promise<CreditGradePageDto> {
    const org = await this.organisations.findById(organisationId);
    if (!org || !canRead(principal, org)) throw new NotFoundError('Organisation', organisationId);
    const limit = pageLimit(query);
    const rows = await this.grades.list(organisationId, decodeTimeCursor(query.cursor), limit);
    const current = gradeInForce(
      (await this.grades.allOf(organisationId)).map((g) => ({ ...g, recordedAt: g.createdAt })),
      chinaDate(),
    );
    return {
      current: current ? CreditGradeResponseDto.from(current) : null,
      ...toPage(rows, limit, (g) => ({ k: g.createdAt.toISOString(), id: g.id }), CreditGradeResponseDto.from),
    };
  }

  /** The grade in force on a date (for the permit check). */
  async gradeOn(organisationId: string, date: string): Promise<CreditGrade | null> {
    const all = await this.grades.allOf(organisationId);
    return (
      gradeInForce(
        all.map((g) => ({ ...g, recordedAt: g.createdAt })),
        date,
      )?.grade ?? null
    );
  }
}

function canRead(principal: Principal, org: Organisation): boolean {
  return (
    isPlatformAdmin(principal) ||
    (principal.kind === 'member' && principal.organisationId === org.id) ||
    inJurisdiction(principal, org.regionCode)
  );
}
