import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { MemberPrincipal, Principal } from '../common/auth/principal';
import { READER_ROLES } from '../common/auth/read-scope';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { ProblemException } from '../common/problem/problem-details.filter';
import { MemberRole } from '../members/entities/member.entity';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import {
  KeyUnitChangeDto,
  KeyUnitDesignationDto,
  KeyUnitHistoryDto,
  KeyUnitListDto,
  KeyUnitsQueryDto,
} from './dto/key-units.dto';
import { KeyUnitsService } from './key-units.service';

const REGULATORS = [OrganisationRole.REGULATOR];

@ApiTags('audit')
@Controller('v1/audit/key-units')
export class KeyUnitsController {
  constructor(private readonly keyUnits: KeyUnitsService) {}

  @Get()
  @Allow({ platformAdmin: true, organisationRoles: REGULATORS, memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'The key supervised units list (重点监管单位清单) of the caller’s jurisdiction',
    description:
      'Units whose HJ 1259-2022 tier computed from the ledger is KEY (annual quantity ≥ 100 t as the maximum of the last three years, own utilisation/disposal facility, or an HW operating licence), plus units a regulator added with a reason. `?format=csv` (and `bom=true` for Excel) exports it.',
  })
  @ApiOkResponse({ type: KeyUnitListDto })
  @ApiProduces('application/json', 'text/csv')
  async list(
    @Query() query: KeyUnitsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const list = await this.keyUnits.list(query, principal);
    if (query.format !== 'csv') return list;
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="key-units-${list.year}.csv"`);
    return this.keyUnits.toCsv(list, query.bom ?? false);
  }

  @Post()
  @HttpCode(201)
  @Allow({ organisationRoles: REGULATORS, memberRoles: [MemberRole.ADMIN, MemberRole.OPERATOR] })
  @Idempotent()
  @ApiOperation({ summary: 'Add a unit in the jurisdiction to the list, with a reason (recorded, never edited)' })
  @ApiCreatedResponse({ type: KeyUnitDesignationDto })
  @ApiNotFoundResponse({ description: 'Unknown organisation, or outside the jurisdiction' })
  add(@Body() dto: KeyUnitChangeDto, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.keyUnits.add(dto, principal);
  }

  @Post('removals')
  @HttpCode(201)
  @Allow({ organisationRoles: REGULATORS, memberRoles: [MemberRole.ADMIN, MemberRole.OPERATOR] })
  @Idempotent()
  @ApiOperation({
    summary: 'Withdraw a manual addition, with a reason (a removal record: nothing is deleted)',
    description: 'A unit that is KEY by the ledger stays on the list; only a manual addition can be withdrawn.',
  })
  @ApiCreatedResponse({ type: KeyUnitDesignationDto })
  remove(@Body() dto: KeyUnitChangeDto, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.keyUnits.remove(dto, principal);
  }

  @Get(':organisationId/history')
  @Allow({ platformAdmin: true, organisationRoles: REGULATORS, memberRoles: READER_ROLES })
  @ApiOperation({ summary: 'Every manual addition and removal of a unit, oldest first' })
  @ApiOkResponse({ type: KeyUnitHistoryDto })
  history(@Param('organisationId', ParseUUIDPipe) organisationId: string, @CurrentPrincipal() principal: Principal) {
    return this.keyUnits.history(organisationId, principal);
  }

  @Delete(':organisationId')
  @Allow({ platformAdmin: true, organisationRoles: REGULATORS })
  @ApiOperation({ summary: 'Not allowed: the list keeps its history — POST /v1/audit/key-units/removals instead' })
  refuseDelete(): never {
    throw new ProblemException(
      405,
      'method-not-allowed',
      'Designations are never deleted: withdraw a manual addition with POST /v1/audit/key-units/removals and a reason',
    );
  }
}
