import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { DeviceKeysService } from './device-keys.service';
import { CreateDeviceKeyDto, DeviceKeyResponseDto } from './dto/device-key.dto';
import { CreateMemberDto, ListMembersQueryDto, MemberPageDto, MemberResponseDto } from './dto/member.dto';
import { MemberRole } from './entities/member.entity';
import { MembersService } from './members.service';

const ADMINS = { platformAdmin: true, memberRoles: [MemberRole.ADMIN] } as const;

@ApiTags('members')
@Controller('v1/members')
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly deviceKeys: DeviceKeysService,
  ) {}

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

  @Post(':id/device-keys')
  @HttpCode(201)
  @Allow({ platformAdmin: true, members: true })
  @Idempotent()
  @ApiOperation({
    summary: 'Register a device signing key (Ed25519) for a member',
    description:
      'A member registers its own; an organisation ADMIN registers its members’. Used to verify signed manifest steps.',
  })
  @ApiCreatedResponse({ type: DeviceKeyResponseDto })
  registerDeviceKey(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateDeviceKeyDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.deviceKeys.register(id, dto, principal);
  }

  @Get(':id/device-keys')
  @Allow({ platformAdmin: true, members: true })
  @ApiOkResponse({ type: [DeviceKeyResponseDto] })
  listDeviceKeys(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.deviceKeys.list(id, principal);
  }

  @Post(':id/device-keys/:keyId/revoke')
  @HttpCode(200)
  @Allow({ platformAdmin: true, members: true })
  @Idempotent()
  @ApiOkResponse({ type: DeviceKeyResponseDto })
  revokeDeviceKey(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.deviceKeys.revoke(id, keyId, principal);
  }
}
