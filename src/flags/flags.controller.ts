import { AuditRegulatorRead, itemIds } from '../common/regulator-reads/regulator-read.interceptor';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyAuthenticated, Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { AcknowledgeFlagDto, FlagNoteDto, FlagPageDto, FlagResponseDto, ListFlagsQueryDto } from './dto/flag.dto';
import { FlagsService } from './flags.service';

@ApiTags('flags')
@Controller('v1/flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  @AnyAuthenticated()
  @AuditRegulatorRead('flag', itemIds)
  @ApiOperation({ summary: 'Flags: those involving the caller’s organisation, or in a regulator’s jurisdiction' })
  @ApiOkResponse({ type: FlagPageDto })
  list(@Query() query: ListFlagsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.flags.list(query, principal);
  }

  @Get(':id')
  @AnyAuthenticated()
  @AuditRegulatorRead('flag', 'id')
  @ApiOkResponse({ type: FlagResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.flags.get(id, principal);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Allow({ members: true })
  @Idempotent()
  @ApiOperation({ summary: 'Acknowledge a flag (a party involved or a regulator), with an optional comment' })
  @ApiOkResponse({ type: FlagResponseDto })
  acknowledge(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AcknowledgeFlagDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.flags.acknowledge(id, dto.comment, principal);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Allow({ organisationRoles: [OrganisationRole.REGULATOR] })
  @Idempotent()
  @ApiOperation({ summary: 'Resolve a flag with a note (a regulator with jurisdiction only)' })
  @ApiOkResponse({ type: FlagResponseDto })
  resolve(@Param('id', ParseUUIDPipe) id: string, @Body() dto: FlagNoteDto, @CurrentPrincipal() principal: Principal) {
    return this.flags.resolve(id, dto.note, principal);
  }
}
