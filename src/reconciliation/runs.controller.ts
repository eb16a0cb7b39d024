import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { CreateRunDto, ListRunsQueryDto, RunAcceptedDto, RunPageDto, RunResponseDto } from './dto/run.dto';
import { RunsService } from './runs.service';

const REGULATORS_AND_ADMIN = { platformAdmin: true, organisationRoles: [OrganisationRole.REGULATOR] } as const;

@ApiTags('reconciliation')
@Controller('v1/reconciliation/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(202)
  @Allow(REGULATORS_AND_ADMIN)
  @Idempotent()
  @ApiOperation({
    summary: 'Start a full reconciliation of a region and period (a regulator within its jurisdiction, or the admin)',
    description:
      'Queues the run and answers at once; a worker selects the subjects (lots, medical institutions, facility months, manifests) and reconciles them in batches. Follow it with GET /v1/reconciliation/runs/{id}.',
  })
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  create(@Body() dto: CreateRunDto, @CurrentPrincipal() principal: Principal) {
    return this.runs.create(dto, principal);
  }

  @Get()
  @Allow(REGULATORS_AND_ADMIN)
  @ApiOperation({ summary: 'Reconciliation runs, newest first (a regulator: those of its jurisdiction)' })
  @ApiOkResponse({ type: RunPageDto })
  list(@Query() query: ListRunsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.runs.list(query, principal);
  }

  @Get(':id')
  @Allow(REGULATORS_AND_ADMIN)
  @ApiOperation({ summary: 'A run: status, progress (processed / total), flags raised and resolved, duration' })
  @ApiOkResponse({ type: RunResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or outside the caller’s jurisdiction' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.runs.get(id, principal);
  }
}
