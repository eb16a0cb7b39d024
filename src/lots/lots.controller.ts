import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQueryDto } from '../common/pagination/cursor';
import { AuditRegulatorRead, itemIds } from '../common/regulator-reads/regulator-read.interceptor';
import { MemberRole } from '../members/entities/member.entity';
import { OrganisationRole } from '../organisations/entities/organisation.entity';
import { CreateLotDto } from './dto/create-lot.dto';
import { MergeLotsDto, SplitLotDto } from './dto/lineage.dto';
import {
  LOT_EVENT_BATCH_BODY_SCHEMA,
  LOT_EVENT_BODY_SCHEMA,
  LOT_EVENT_DTOS,
  LotEventBatchPipe,
  LotEventBodyPipe,
  MAX_BATCH_EVENTS,
  type LotEventBatchItem,
  type LotEventDto,
} from './dto/lot-event.dto';
import {
  ChainVerificationDto,
  ListLotsQueryDto,
  LotDetailResponseDto,
  LotEventBatchResponseDto,
  LotEventPageDto,
  LotEventResponseDto,
  LotPageDto,
  SplitResponseDto,
} from './dto/lot-response.dto';
import { LotsService } from './lots.service';

const WRITERS = [MemberRole.ADMIN, MemberRole.OPERATOR];
const LOT_CREATORS = [
  OrganisationRole.GENERATOR,
  OrganisationRole.COLLECTOR,
  OrganisationRole.STORER,
  OrganisationRole.TREATER,
];
const NOT_VISIBLE = 'Unknown, or not visible to the caller (only parties to a lot and regulators over them see it)';

@ApiTags('lots')
@Controller('v1/lots')
export class LotsController {
  constructor(private readonly lots: LotsService) {}

  @Post()
  @HttpCode(201)
  @Allow({ organisationRoles: LOT_CREATORS, memberRoles: WRITERS })
  @Idempotent()
  @ApiOperation({
    summary: 'Register a lot (its GENERATED event starts the chain)',
    description:
      'Members (ADMIN, OPERATOR) of generators, collectors, storers and treaters. The waste code is checked against the catalogue edition in force on the generation date (China time).',
  })
  @ApiCreatedResponse({ type: LotDetailResponseDto })
  create(@Body() dto: CreateLotDto, @CurrentPrincipal() principal: Principal) {
    return this.lots.create(dto, principal);
  }

  @Get()
  @Allow({ members: true })
  @AuditRegulatorRead('lot', itemIds)
  @ApiOperation({
    summary: 'Lots the caller is or was a party to (regulators: lots with a party in their jurisdiction)',
  })
  @ApiOkResponse({ type: LotPageDto })
  list(@Query() query: ListLotsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.lots.list(query, principal);
  }

  @Post('merge')
  @HttpCode(201)
  @Allow({ memberRoles: WRITERS })
  @Idempotent()
  @ApiOperation({
    summary: 'Merge lots of one waste code held by you into a new lot',
    description:
      'Each lot gets a MERGED event and is closed; the new lot starts with MERGED_FROM. Quantities add up exactly.',
  })
  @ApiCreatedResponse({ type: LotDetailResponseDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  merge(@Body() dto: MergeLotsDto, @CurrentPrincipal() principal: Principal) {
    return this.lots.merge(dto, principal);
  }

  @Post('events/batch')
  @HttpCode(201)
  @Allow({ memberRoles: WRITERS })
  @Idempotent()
  @ApiExtraModels(...LOT_EVENT_DTOS)
  @ApiBody({ schema: LOT_EVENT_BATCH_BODY_SCHEMA })
  @ApiOperation({
    summary: 'Record events on several lots you hold, all or nothing',
    description:
      `Up to ${MAX_BATCH_EVENTS} events, each a lotId plus an event as POST /v1/lots/{id}/events takes it (e.g. a device ` +
      'syncing the events it queued offline). Events of one lot apply in their order in the batch. The batch is ' +
      'atomic: if any event is refused, none is recorded, and the problem names the event (`index`, `events[i].…` ' +
      'fields). One Idempotency-Key covers the whole batch.',
  })
  @ApiCreatedResponse({ type: LotEventBatchResponseDto })
  @ApiForbiddenResponse({ description: 'not-custodian: you may see a lot but do not hold it' })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  appendBatch(@Body(LotEventBatchPipe) items: LotEventBatchItem[], @CurrentPrincipal() principal: Principal) {
    return this.lots.appendBatch(items, principal);
  }

  @Get(':id')
  @Allow({ members: true })
  @AuditRegulatorRead('lot', 'id')
  @ApiOperation({ summary: 'One lot, with its lineage' })
  @ApiOkResponse({ type: LotDetailResponseDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lots.get(id, principal);
  }

  @Post(':id/events')
  @HttpCode(201)
  @Allow({ memberRoles: WRITERS })
  @Idempotent()
  @ApiExtraModels(...LOT_EVENT_DTOS)
  @ApiBody({ schema: LOT_EVENT_BODY_SCHEMA })
  @ApiOperation({
    summary: 'Record an event on a lot you hold',
    description:
      'STORED, RETRIEVED, PACKAGED, RELABELLED, TREATED, DISPOSED or CORRECTED. HANDED_OVER, RECEIVED, REJECTED and RETURNED are recorded through manifests.',
  })
  @ApiCreatedResponse({ type: LotEventResponseDto })
  @ApiForbiddenResponse({ description: 'not-custodian: you may see the lot but do not hold it' })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  append(
    @Param('id', ParseUUIDPipe) id: string,
    @Body(LotEventBodyPipe) dto: LotEventDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.lots.append(id, dto, principal);
  }

  @Get(':id/events')
  @Allow({ members: true })
  @AuditRegulatorRead('lot', 'id')
  @ApiOperation({ summary: "The lot's events in chain order (cursor by seq)" })
  @ApiOkResponse({ type: LotEventPageDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  events(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.lots.events(id, query, principal);
  }

  @Post(':id/split')
  @HttpCode(201)
  @Allow({ memberRoles: WRITERS })
  @Idempotent()
  @ApiOperation({
    summary: 'Split a lot you hold into new lots',
    description:
      'The parts must add up to the lot exactly. The lot gets a SPLIT event and is closed; each part starts with SPLIT_FROM.',
  })
  @ApiCreatedResponse({ type: SplitResponseDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  split(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SplitLotDto, @CurrentPrincipal() principal: Principal) {
    return this.lots.split(id, dto, principal);
  }

  @Get(':id/verification')
  @Allow({ members: true })
  @AuditRegulatorRead('lot', 'id')
  @ApiOperation({
    summary: "Recompute the lot's hash chain",
    description: 'Reports OK, or the first bad sequence number and why (docs/ledger.md).',
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  @ApiNotFoundResponse({ description: NOT_VISIBLE })
  verify(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lots.verify(id, principal);
  }
}
