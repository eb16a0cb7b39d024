import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnyAuthenticated, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import {
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationPageDto,
  OrganisationResponseDto,
} from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

@ApiTags('organisations')
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @HttpCode(201)
  @Allow({ platformAdmin: true })
  @Idempotent()
  @ApiOperation({ summary: 'Register an organisation (platform administrator)' })
  @ApiCreatedResponse({ type: OrganisationResponseDto })
  create(@Body() dto: CreateOrganisationDto, @CurrentPrincipal() principal: Principal) {
    return this.organisations.create(dto, principal);
  }

  @Get()
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'List organisations',
    description:
      'The platform administrator sees all; a member sees its own organisation, the directory of carriers, collectors, storers, treaters and regulators, and — for a regulator — every organisation in its jurisdiction.',
  })
  @ApiOkResponse({ type: OrganisationPageDto })
  list(@Query() query: ListOrganisationsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.organisations.list(query, principal);
  }

  @Get(':id')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'One organisation' })
  @ApiOkResponse({ type: OrganisationResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.organisations.get(id, principal);
  }
}
