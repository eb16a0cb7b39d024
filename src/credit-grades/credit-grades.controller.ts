import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnyAuthenticated, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQueryDto } from '../common/pagination/cursor';
import { MemberRole } from '../members/entities/member.entity';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { CreditGradesService } from './credit-grades.service';
import { CreateCreditGradeDto, CreditGradePageDto, CreditGradeResponseDto } from './dto/credit-grade.dto';

@ApiTags('credit-grades')
@Controller('v1/organisations/:id/credit-grades')
export class CreditGradesController {
  constructor(private readonly grades: CreditGradesService) {}

  @Post()
  @HttpCode(201)
  @Allow({ organisationRoles: [OrganisationRole.REGULATOR], memberRoles: [MemberRole.ADMIN, MemberRole.OPERATOR] })
  @Idempotent()
  @ApiOperation({
    summary: 'Record an environmental credit grade (regulator with jurisdiction over the organisation)',
    description: 'Grades are never edited or deleted: a new grade supersedes the earlier ones it overlaps.',
  })
  @ApiCreatedResponse({ type: CreditGradeResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown organisation, or outside the regulator’s jurisdiction' })
  record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateCreditGradeDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.grades.record(id, dto, principal);
  }

  @Get()
  @AnyAuthenticated()
  @ApiOperation({ summary: 'Credit-grade history of an organisation, with the grade in force today' })
  @ApiOkResponse({ type: CreditGradePageDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not the caller’s organisation nor in its jurisdiction' })
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.grades.list(id, query, principal);
  }
}
