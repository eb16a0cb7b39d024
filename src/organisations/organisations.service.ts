import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, isRegulator, type Principal } from '../common/auth/principal';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldError } from '../common/problem/domain-errors';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { isValidCreditCode } from './domain/credit-code';
import { isValidJurisdictionPrefix, isValidRegionCode, regionPrefix } from './domain/region-codes';
import { CreateOrganisationDto, ListOrganisationsQueryDto, OrganisationResponseDto } from './dto/organisation.dto';
import { Organisation, OrganisationRole } from './entities/organisation.entity';
import { DIRECTORY_ROLES, OrganisationsRepository, type OrganisationVisibility } from './organisations.repository';

@Injectable()
export class OrganisationsService {
  constructor(private readonly organisations: OrganisationsRepository) {}

  async create(dto: CreateOrganisationDto, principal: Principal): Promise<OrganisationResponseDto> {
    const errors: FieldError[] = [];
    if (!isValidCreditCode(dto.registrationCode)) {
      errors.push({
        field: 'registrationCode',
        code: 'credit-code-checksum',
        message: 'registrationCode fails the GB 32100-2015 check character',
      });
    }
    if (!isValidRegionCode(dto.regionCode)) {
      errors.push({
        field: 'regionCode',
        code: 'unknown-region',
        message: `regionCode ${dto.regionCode} is not a GB/T 2260 division`,
      });
    }
    const regulator = dto.roles.includes(OrganisationRole.REGULATOR);
    if (dto.jurisdictionPrefix !== undefined && !regulator) {
      errors.push({
        field: 'jurisdictionPrefix',
        code: 'not-a-regulator',
        message: 'jurisdictionPrefix is only for REGULATOR organisations',
      });
    }
    if (dto.jurisdictionPrefix !== undefined && !isValidJurisdictionPrefix(dto.jurisdictionPrefix)) {
      errors.push({
        field: 'jurisdictionPrefix',
        code: 'unknown-region',
        message: 'jurisdictionPrefix is not the prefix of a division',
      });
    }
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);
    if (await this.organisations.existsByRegistrationCode(dto.registrationCode)) {
      throw new ConflictError(
        'organisation-exists',
        `An organisation with registration code ${dto.registrationCode} exists`,
      );
    }
    try {
      const saved = await this.organisations.insert({
        name: dto.name.trim(),
        roles: dto.roles,
        registrationCode: dto.registrationCode,
        regionCode: dto.regionCode,
        jurisdictionPrefix: regulator ? (dto.jurisdictionPrefix ?? regionPrefix(dto.regionCode)) : null,
        createdBy: principal.actor,
      });
      return OrganisationResponseDto.from(saved);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError(
          'organisation-exists',
          `An organisation with registration code ${dto.registrationCode} exists`,
        );
      }
      throw error;
    }
  }

  async list(query: ListOrganisationsQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const rows = await this.organisations.list(visibilityOf(principal), query, decodeTimeCursor(query.cursor), limit);
    return toPage(rows, limit, (o) => ({ k: o.createdAt.toISOString(), id: o.id }), OrganisationResponseDto.from);
  }

  async get(id: string, principal: Principal): Promise<OrganisationResponseDto> {
    return OrganisationResponseDto.from(await this.findVisible(id, principal));
  }

  /** The organisation if the caller may see it; 404 otherwise (existence is not leaked). */
  async findVisible(id: string, principal: Principal): Promise<Organisation> {
    const org = await this.organisations.findById(id);
    if (!org || !canSee(principal, org)) throw new NotFoundError('Organisation', id);
    return org;
  }
}

function visibilityOf(principal: Principal): OrganisationVisibility {
  if (isPlatformAdmin(principal)) return { all: true };
  return {
    ownId: principal.organisationId,
    jurisdictionPrefix: isRegulator(principal) ? principal.jurisdictionPrefix : null,
  };
}

function canSee(principal: Principal, org: Organisation): boolean {
  if (isPlatformAdmin(principal)) return true;
  if (org.id === principal.organisationId) return true;
  if (org.roles.some((r) => DIRECTORY_ROLES.includes(r))) return true;
  return isRegulator(principal) && org.regionCode.startsWith(principal.jurisdictionPrefix);
}
