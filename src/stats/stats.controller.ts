import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { READER_ROLES } from '../common/auth/read-scope';
import { MedicalCollectionDto, PeriodQueryDto, TonnageDto, TonnageQueryDto } from './dto/stats.dto';
import { StatsService } from './stats.service';

/** Regulator-facing statistics; the subject is the `region` query (or the caller's own organisation). */
@ApiTags('stats')
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('tonnage')
  @Allow({ platformAdmin: true, memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'Tonnage generated, transferred or treated, by waste category or code, region and month or year',
    description:
      'Grams (integer strings) and tonnes (exact decimals). Regulators see their jurisdiction (or a region within it), the platform admin any region, and any other organisation only its own figures.',
  })
  @ApiOkResponse({ type: TonnageDto })
  @ApiNotFoundResponse({ description: 'A region outside the caller’s jurisdiction' })
  tonnage(@Query() query: TonnageQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.stats.tonnage(query, principal);
  }

  @Get('medical-collection')
  @Allow({ platformAdmin: true, memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'Medical-waste collection coverage: institutions whose every lot was picked up within 48 h, and those not',
  })
  @ApiOkResponse({ type: MedicalCollectionDto })
  @ApiNotFoundResponse({ description: 'A region outside the caller’s jurisdiction' })
  medicalCollection(@Query() query: PeriodQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.stats.medicalCollection(query, principal);
  }
}
