import { AuditRegulatorRead, itemIds } from '../common/regulator-reads/regulator-read.interceptor';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnyAuthenticated, CurrentPrincipal } from '../common/auth/access.decorators';
import type { MemberPrincipal, Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { MemberRole } from '../members/entities/member.entity';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import {
  CancelStepDto,
  CompleteStepDto,
  CreateManifestDto,
  ReceiveStepDto,
  RelayStepDto,
  StepDto,
} from './dto/manifest-input.dto';
import { ListManifestsQueryDto, ManifestPageDto, ManifestResponseDto } from './dto/manifest-response.dto';
import { ManifestStepsService } from './manifest-steps.service';
import { ManifestsService } from './manifests.service';

const OFFICE = [MemberRole.ADMIN, MemberRole.OPERATOR];
const FIELD = [MemberRole.ADMIN, MemberRole.OPERATOR, MemberRole.DRIVER];
const SENDERS = [
  OrganisationRole.GENERATOR,
  OrganisationRole.COLLECTOR,
  OrganisationRole.STORER,
  OrganisationRole.TREATER,
];

@ApiTags('manifests')
@Controller('v1/manifests')
export class ManifestsController {
  constructor(
    private readonly manifests: ManifestsService,
    private readonly steps: ManifestStepsService,
  ) {}

  @Post()
  @HttpCode(201)
  @Allow({ memberRoles: OFFICE, organisationRoles: SENDERS })
  @Idempotent()
  @ApiOperation({ summary: 'Draft a transfer manifest (转移联单) for lots in your custody; it gets its Art 15 number' })
  @ApiCreatedResponse({ type: ManifestResponseDto })
  create(@Body() dto: CreateManifestDto, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.manifests.createDraft(dto, principal);
  }

  @Get()
  @AnyAuthenticated()
  @AuditRegulatorRead('manifest', itemIds)
  @ApiOperation({
    summary: 'Manifests the caller is party to (a regulator: those sent from or received in its jurisdiction)',
  })
  @ApiOkResponse({ type: ManifestPageDto })
  list(@Query() query: ListManifestsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.manifests.list(query, principal);
  }

  @Get(':id')
  @AnyAuthenticated()
  @AuditRegulatorRead('manifest', 'id')
  @ApiOkResponse({ type: ManifestResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown, or not visible to the caller' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.manifests.get(id, principal);
  }

  @Get(':id/copy-of-record')
  @AnyAuthenticated()
  @AuditRegulatorRead('manifest', 'id')
  @ApiOperation({ summary: 'Printable copy of record: the manifest with every step, payload, hash and signature' })
  copyOfRecord(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.manifests.copyOfRecord(id, principal);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Allow({ memberRoles: OFFICE })
  @Idempotent()
  @ApiOperation({ summary: 'Consignor signs: permits are checked, the lots are released to the first carrier' })
  @ApiOkResponse({ type: ManifestResponseDto })
  submit(@Param('id', ParseUUIDPipe) id: string, @Body() dto: StepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.submit(id, dto, p);
  }

  @Post(':id/pickup')
  @HttpCode(200)
  @Allow({ memberRoles: FIELD, organisationRoles: [OrganisationRole.TRANSPORTER] })
  @Idempotent()
  @ApiOperation({ summary: 'First carrier confirms pickup: custody passes consignor → carrier' })
  @ApiOkResponse({ type: ManifestResponseDto })
  pickup(@Param('id', ParseUUIDPipe) id: string, @Body() dto: StepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.pickup(id, dto, p);
  }

  @Post(':id/relay')
  @HttpCode(200)
  @Allow({ memberRoles: FIELD, organisationRoles: [OrganisationRole.TRANSPORTER] })
  @Idempotent()
  @ApiOperation({ summary: 'Next carrier confirms the handover from the previous one (time and place)' })
  @ApiOkResponse({ type: ManifestResponseDto })
  relay(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RelayStepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.relay(id, dto, p);
  }

  @Post(':id/deliver')
  @HttpCode(200)
  @Allow({ memberRoles: FIELD })
  @Idempotent()
  @ApiOperation({ summary: 'Consignee confirms arrival: custody passes last carrier → consignee' })
  @ApiOkResponse({ type: ManifestResponseDto })
  deliver(@Param('id', ParseUUIDPipe) id: string, @Body() dto: StepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.deliver(id, dto, p);
  }

  @Post(':id/receive')
  @HttpCode(200)
  @Allow({ memberRoles: OFFICE })
  @Idempotent()
  @ApiOperation({ summary: 'Consignee records weighed quantities and accepts, partly rejects or rejects each line' })
  @ApiOkResponse({ type: ManifestResponseDto })
  receive(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReceiveStepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.receive(id, dto, p);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Allow({ memberRoles: OFFICE })
  @Idempotent()
  @ApiOperation({ summary: 'Consignee records the utilisation/disposal operation and quantity per accepted line' })
  @ApiOkResponse({ type: ManifestResponseDto })
  complete(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CompleteStepDto,
    @CurrentPrincipal() p: MemberPrincipal,
  ) {
    return this.steps.complete(id, dto, p);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow({ memberRoles: OFFICE })
  @Idempotent()
  @ApiOperation({ summary: 'Consignor cancels before pickup; the lots are released' })
  @ApiOkResponse({ type: ManifestResponseDto })
  cancel(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelStepDto, @CurrentPrincipal() p: MemberPrincipal) {
    return this.steps.cancel(id, dto, p);
  }
}
