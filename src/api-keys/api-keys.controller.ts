import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { MemberRole } from '../members/entities/member.entity';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyPageDto,
  ApiKeyResponseDto,
  CreateApiKeyDto,
  IssuedApiKeyResponseDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto';

const ADMINS = { platformAdmin: true, memberRoles: [MemberRole.ADMIN] } as const;

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Allow(ADMINS)
  @Idempotent()
  @ApiOperation({ summary: 'Issue an API key for a member; the token is shown once' })
  @ApiCreatedResponse({ type: IssuedApiKeyResponseDto })
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.create(dto, principal);
  }

  @Get()
  @Allow(ADMINS)
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@Query() query: ListApiKeysQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.list(query, principal);
  }

  @Get(':id')
  @Allow(ADMINS)
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or of another organisation' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.keys.get(id, principal);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Allow(ADMINS)
  @Idempotent()
  @ApiOperation({ summary: 'Revoke a key; it fails from the next request on' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.keys.revoke(id, principal);
  }
}
