import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { CreateMemberDto, ListMembersQueryDto, MemberPageDto, MemberResponseDto } from './dto/member.dto';
import { MemberRole } from './entities/member.entity';
import { MembersService } from './members.service';

const ADMINS = { platformAdmin: true, memberRoles: [MemberRole.ADMIN] } as const;

@ApiTags('members')
@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @HttpCode(201)
  @Allow(ADMINS)
  @Idempotent()
  @ApiOperation({ summary: 'Add a member to an organisation (organisation ADMIN or platform administrator)' })
  @ApiCreatedResponse({ type: MemberResponseDto })
  create(@Body() dto: CreateMemberDto, @CurrentPrincipal() principal: Principal) {
    return this.members.create(dto, principal);
  }

  @Get()
  @Allow(ADMINS)
  @ApiOperation({ summary: 'Members of the caller’s organisation' })
  @ApiOkResponse({ type: MemberPageDto })
  list(@Query() query: ListMembersQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.members.list(query, principal);
  }

  @Get(':id')
  @Allow(ADMINS)
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or of another organisation' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.members.get(id, principal);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Allow(ADMINS)
  @Idempotent()
  @ApiOperation({ summary: 'Disable a member; its API keys stop working at once' })
  @ApiOkResponse({ type: MemberResponseDto })
  disable(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.members.disable(id, principal);
  }
}
