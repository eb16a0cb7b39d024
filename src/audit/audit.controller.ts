import { AuditRegulatorRead } from '../common/regulator-reads/regulator-read.interceptor';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { MemberPrincipal, Principal } from '../common/auth/principal';
import { READER_ROLES } from '../common/auth/read-scope';
import { ChainAuditService } from './chain-audit.service';
import { LotAuditDto } from './dto/lot-audit.dto';
import { ManifestAuditDto } from './dto/manifest-audit.dto';
import { OrganisationAuditDto, OrganisationAuditQueryDto } from './dto/organisation-audit.dto';
import { OrganisationReportService } from './organisation-report.service';

/**
 * Regulator-facing reads. Each names its subject in the path (`:id`), so that the regulator
 * read-logging decorator can be added per endpoint.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly chains: ChainAuditService,
    private readonly reports: OrganisationReportService,
  ) {}

  @Get('lots/:id')
  @AuditRegulatorRead('lot', 'id')
  @Allow({ memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'The whole chain of custody of a lot',
    description:
      'Events in order with their actors, custodian intervals (with any gap made explicit), the lineage DAG upstream and downstream with quantities, the manifests it travelled on, flags on it and its manifests, and the chain verification — all read in one snapshot. Parties to the lot and regulators over a party; 404 for anyone else.',
  })
  @ApiOkResponse({ type: LotAuditDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  lot(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.chains.lot(id, principal);
  }

  @Get('manifests/:id')
  @AuditRegulatorRead('manifest', 'id')
  @Allow({ memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'A manifest’s trail through the ledger',
    description:
      'Its parties, every signed step with the custody events it wrote in each lot’s chain (matched by stepHash) and whether each step wrote exactly what it should, each lot’s chain verification, and the flags on the manifest and its lots. Parties and regulators over the sending or receiving place; 404 for anyone else.',
  })
  @ApiOkResponse({ type: ManifestAuditDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  manifest(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.chains.manifest(id, principal);
  }

  @Get('organisations/:id')
  @AuditRegulatorRead('organisation', 'id')
  @Allow({ platformAdmin: true, memberRoles: READER_ROLES })
  @ApiOperation({
    summary:
      'An organisation’s ledger over a period: flows by waste code, mass balance, open flags, permits, credit grade, HJ 1259 tier',
    description:
      'The organisation itself, regulators over its region and the platform administrator; 404 for anyone else. The period defaults to the current calendar year (China time).',
  })
  @ApiOkResponse({ type: OrganisationAuditDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  organisation(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: OrganisationAuditQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.reports.report(id, query, principal);
  }
}
