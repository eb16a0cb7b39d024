import { Injectable } from '@nestjs/common';
import { decideReadScope, type ReadScope } from '../common/auth/read-scope';
import { inJurisdiction, isPlatformAdmin, type MemberPrincipal, type Principal } from '../common/auth/principal';
import { csvRecord, UTF8_BOM } from '../common/csv/csv';
import { ConflictError, NotFoundError } from '../common/problem/domain-errors';
import { chinaYearOf } from '../common/time/report-period';
import { formatMass } from '../common/quantity/decimal-quantity';
import { regionName } from '../organisations/domain/region-codes';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { ManagementTier } from './domain/management-tier';
import {
  KeyUnitDesignationDto,
  type KeyUnitChangeDto,
  type KeyUnitDto,
  type KeyUnitHistoryDto,
  type KeyUnitListDto,
  type KeyUnitsQueryDto,
} from './dto/key-units.dto';
import { KeyUnitAction } from './entities/key-unit-designation.entity';
import { KeyUnitsRepository } from './key-units.repository';
import { TierService } from './tier.service';

/** CSV columns of the key supervised units list. */
const CSV_HEADER = [
  'organisation_id',
  'name',
  'registration_code',
  'region_code',
  'region_name',
  'basis',
  'computed_tier',
  'annual_quantity_t',
  'annual_quantity_method',
  'annual_quantity_years',
  'manual_reason',
  'manual_added_at',
  'manual_added_by',
];
const CSV_TEXT = CSV_HEADER.map((h) => ['name', 'region_name', 'manual_reason', 'manual_added_by'].includes(h));

/**
 * The key supervised units list (重点监管单位清单) of a jurisdiction: every unit whose tier
 * computed from the ledger is KEY (HJ 1259 §4.2), plus the units a regulator added by hand with a
 * reason. Manual changes are append-only records; a removal withdraws an addition.
 */
@Injectable()
export class KeyUnitsService {
  constructor(
    private readonly keyUnits: KeyUnitsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly tiers: TierService,
  ) {}

  async list(query: KeyUnitsQueryDto, principal: Principal): Promise<KeyUnitListDto> {
    const decision = decideReadScope(principal, { region: query.region }, undefined);
    if (!decision.ok) throw new NotFoundError('Region', query.region);
    const scope = decision.scope;
    const year = query.year ?? chinaYearOf(new Date());
    const units = await this.keyUnits.unitsIn(scope);
    const [tiers, latest] = await Promise.all([
      this.tiers.assess(
        units.map((u) => u.id),
        year,
      ),
      this.keyUnits.latestIn(scope),
    ]);
    const manual = new Map(latest.filter((d) => d.action === KeyUnitAction.ADD).map((d) => [d.organisationId, d]));
    const items: KeyUnitDto[] = [];
    for (const unit of units) {
      const tier = tiers.get(unit.id)!;
      const added = manual.get(unit.id) ?? null;
      if (tier.assessment.tier !== ManagementTier.KEY && !added) continue;
      items.push({
        organisation: {
          id: unit.id,
          name: unit.name,
          registrationCode: unit.registrationCode,
          regionCode: unit.regionCode,
          regionName: regionName(unit.regionCode) ?? null,
          roles: unit.roles,
        },
        basis: [...tier.assessment.reasons, ...(added ? ['MANUAL'] : [])],
        computedTier: tier.assessment.tier,
        annualQuantity: {
          grams: tier.assessment.annualQuantity.grams.toString(),
          tonnes: formatMass(tier.assessment.annualQuantity.grams, 't'),
          method: tier.assessment.annualQuantity.method,
          years: tier.assessment.annualQuantity.years,
          maxYear: tier.assessment.annualQuantity.maxYear,
        },
        manual: added ? KeyUnitDesignationDto.from(added) : null,
      });
    }
    return { year, region: scopeRegion(scope), items, generatedAt: new Date().toISOString() };
  }

  /** The list as CSV (RFC 4180), optionally with a UTF-8 BOM. */
  toCsv(list: KeyUnitListDto, bom: boolean): string {
    const lines = [csvRecord(CSV_HEADER)];
    for (const u of list.items) {
      lines.push(
        csvRecord(
          [
            u.organisation.id,
            u.organisation.name,
            u.organisation.registrationCode,
            u.organisation.regionCode,
            u.organisation.regionName,
            u.basis.join(';'),
            u.computedTier,
            u.annualQuantity.tonnes,
            u.annualQuantity.method,
            u.annualQuantity.years.join(';'),
            u.manual?.reason,
            u.manual?.recordedAt,
            u.manual?.actor,
          ],
          CSV_TEXT,
        ),
      );
    }
    return (bom ? UTF8_BOM : '') + lines.join('');
  }

  add(dto: KeyUnitChangeDto, principal: MemberPrincipal): Promise<KeyUnitDesignationDto> {
    return this.change(KeyUnitAction.ADD, dto, principal);
  }

  remove(dto: KeyUnitChangeDto, principal: MemberPrincipal): Promise<KeyUnitDesignationDto> {
    return this.change(KeyUnitAction.REMOVE, dto, principal);
  }

  /** The manual changes of one unit, oldest first (its regulators and the platform admin). */
  async history(organisationId: string, principal: Principal): Promise<KeyUnitHistoryDto> {
    const org = await this.organisations.findById(organisationId);
    if (!org || !(isPlatformAdmin(principal) || inJurisdiction(principal, org.regionCode))) {
      throw new NotFoundError('Organisation', organisationId);
    }
    const items = await this.keyUnits.history(organisationId);
    return {
      organisationId,
      manuallyListed: items[items.length - 1]?.action === KeyUnitAction.ADD,
      items: items.map(KeyUnitDesignationDto.from),
    };
  }

  private async change(
    action: KeyUnitAction,
    dto: KeyUnitChangeDto,
    principal: MemberPrincipal,
  ): Promise<KeyUnitDesignationDto> {
    const org = await this.organisations.findById(dto.organisationId);
    if (!org || !inJurisdiction(principal, org.regionCode) || org.roles.includes(OrganisationRole.REGULATOR)) {
      throw new NotFoundError('Organisation', dto.organisationId);
    }
    const outcome = await this.keyUnits.record({
      organisationId: org.id,
      action,
      reason: dto.reason.trim(),
      regulatorOrganisationId: principal.organisationId,
      memberId: principal.memberId,
      actor: principal.actor,
    });
    if (!outcome.ok) {
      throw action === KeyUnitAction.ADD
        ? new ConflictError('key-unit-already-listed', 'The unit is already on the list by a manual addition', {
            latest: outcome.latest ? KeyUnitDesignationDto.from(outcome.latest) : null,
          })
        : new ConflictError('key-unit-not-listed', 'The unit has no manual addition in force to withdraw', {
            latest: outcome.latest ? KeyUnitDesignationDto.from(outcome.latest) : null,
          });
    }
    return KeyUnitDesignationDto.from(outcome.designation);
  }
}

function scopeRegion(scope: ReadScope): string | null {
  return scope.kind === 'region' ? scope.prefix : scope.kind === 'organisation' ? scope.regionCode : null;
}
