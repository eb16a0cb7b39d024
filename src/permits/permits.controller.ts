import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnyAuthenticated, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { MemberRole } from '../members/entities/member.entity';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { PermitAction } from './domain/permit-lifecycle';
import { PermitCheckQueryDto, PermitCheckResponseDto } from './dto/permit-check.dto';
import {
  CreatePermitDto,
  ListPermitsQueryDto,
  PermitDetailDto,
  PermitPageDto,
  PermitTransitionDto,
} from './dto/permit.dto';
import { PermitsService } from './permits.service';

/** Regulators' staff who may write (and the platform admin); the service adds the jurisdiction check. */
const ISSUERS = {
  platformAdmin: true,
  organisationRoles: [OrganisationRole.REGULATOR],
  memberRoles: [MemberRole.ADMIN, MemberRole.OPERATOR],
} as const;

const TRANSITION_DOC = {
  description:
    'Requires a reason; recorded with the actor and time in the permit history. An illegal transition answers 409 `permit-illegal-transition` with `currentState`.',
};

@ApiTags('permits')
@Controller('v1/permits')
export class PermitsController {
  constructor(private readonly permits: PermitsService) {}

  @Post()
  @HttpCode(201)
  @Allow(ISSUERS)
  @Idempotent()
  @ApiOperation({
    summary: 'Record a permit (regulator with jurisdiction over the holder, or platform admin)',
    description:
      'A legal entity whose HW operating licence was revoked is refused a new one for 5 years: 422 `permit-reentry-barred`.',
  })
  @ApiCreatedResponse({ type: PermitDetailDto })
  @ApiNotFoundResponse({ description: 'Unknown organisation, or outside the regulator’s jurisdiction' })
  create(@Body() dto: CreatePermitDto, @CurrentPrincipal() principal: Principal) {
    return this.permits.create(dto, principal);
  }

  @Get()
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'Permits the caller may see: its own, and for a regulator those of organisations in its jurisdiction',
  })
  @ApiOkResponse({ type: PermitPageDto })
  list(@Query() query: ListPermitsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.permits.list(query, principal);
  }

  @Get('check')
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'May this organisation handle this waste, this way, on this date, in this quantity?',
    description:
      'Answers `allowed`, the permit it is allowed under, and the rules that refuse or warn: NOT_LICENSED, CODE_OUT_OF_SCOPE, OPERATION_NOT_COVERED, PERMIT_REVOKED, PERMIT_CANCELLED, PERMIT_NOT_YET_VALID, PERMIT_EXPIRED, PERMIT_SUSPENDED, CAPACITY (warning from 100%, refusal above 120% of the annual capacity, calendar year in China time), BLACKLISTED (warning).',
  })
  @ApiOkResponse({ type: PermitCheckResponseDto })
  @ApiNotFoundResponse({ description: 'Organisation unknown or not visible to the caller' })
  check(@Query() query: PermitCheckQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.permits.check(query, principal);
  }

  @Get(':id')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'One permit with its full status history' })
  @ApiOkResponse({ type: PermitDetailDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.permits.get(id, principal);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Allow(ISSUERS)
  @Idempotent()
  @ApiOperation({ summary: 'Suspend (暂扣): ACTIVE → SUSPENDED', ...TRANSITION_DOC })
  @ApiOkResponse({ type: PermitDetailDto })
  suspend(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PermitTransitionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.permits.transition(id, PermitAction.SUSPEND, dto.reason, principal);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @Allow(ISSUERS)
  @Idempotent()
  @ApiOperation({ summary: 'Reinstate: SUSPENDED → ACTIVE', ...TRANSITION_DOC })
  @ApiOkResponse({ type: PermitDetailDto })
  reinstate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PermitTransitionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.permits.transition(id, PermitAction.REINSTATE, dto.reason, principal);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Allow(ISSUERS)
  @Idempotent()
  @ApiOperation({
    summary: 'Revoke (吊销): ACTIVE/SUSPENDED → REVOKED; bars a new HW licence for the legal entity for 5 years',
    ...TRANSITION_DOC,
  })
  @ApiOkResponse({ type: PermitDetailDto })
  revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PermitTransitionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.permits.transition(id, PermitAction.REVOKE, dto.reason, principal);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow(ISSUERS)
  @Idempotent()
  @ApiOperation({ summary: 'Cancel (注销): ACTIVE/SUSPENDED/EXPIRED → CANCELLED', ...TRANSITION_DOC })
  @ApiOkResponse({ type: PermitDetailDto })
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PermitTransitionDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.permits.transition(id, PermitAction.CANCEL, dto.reason, principal);
  }
}
