import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AnyAuthenticated, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';

class MeResponseDto {
  @ApiProperty({ enum: ['platform-admin', 'member'] }) kind!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ isArray: true, type: String }) scopes!: string[];
  @ApiPropertyOptional() memberId?: string;
  @ApiPropertyOptional() memberRole?: string;
  @ApiPropertyOptional() organisationId?: string;
  @ApiPropertyOptional({ isArray: true, type: String }) organisationRoles?: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) jurisdictionPrefix?: string | null;
}

@ApiTags('members')
@Controller('v1/me')
export class MeController {
  @Get()
  @AnyAuthenticated()
  @ApiOperation({ summary: 'Who the presented API key acts as' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentPrincipal() p: Principal): MeResponseDto {
    if (p.kind === 'platform-admin') return { kind: p.kind, actor: p.actor, scopes: [...p.scopes] };
    return {
      kind: p.kind,
      actor: p.actor,
      scopes: [...p.scopes],
      memberId: p.memberId,
      memberRole: p.memberRole,
      organisationId: p.organisationId,
      organisationRoles: [...p.organisationRoles],
      jurisdictionPrefix: p.jurisdictionPrefix,
    };
  }
}
