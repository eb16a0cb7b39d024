import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { AppConfig } from '../config/app-config';
import { isRegulator, type MemberPrincipal, type Principal } from '../common/auth/principal';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../common/problem/domain-errors';
import { decodeCursor, pageLimit, toPage } from '../common/pagination/cursor';
import type { StoredEvent } from '../ledger/domain/chain-verifier';
import type { LedgerObject, LedgerValue } from '../ledger/domain/event-hash';
import { chinaDate } from '../common/time/china-date';
import { checkOccurredAt, parseTimestamp } from '../ledger/domain/ledger-time';
import { EventType, LotStatus, QuantityMethod } from '../ledger/domain/ledger-types';
import { QuantityError, toBaseUnits, type BaseQuantity } from '../ledger/domain/quantity';
import { LedgerReader } from '../ledger/ledger-reader';
import type { EventDraft, LedgerActor } from '../ledger/ledger-writer';
import { LedgerWriter } from '../ledger/ledger-writer';
import type { LotHead, LotViewer, NewLotRow } from '../ledger/ledger.repository';
import { issueLabelCode, labelCodeProblem, MAX_LABEL_SERIAL } from './domain/label-code';
import { LineageKind, type PhysicalForm } from './domain/lot-attributes';
import {
  appendProblem,
  lineageStatusProblem,
  mergedQuantity,
  mergeProblem,
  splitProblem,
  statusAfter,
  type RuleProblem,
} from './domain/lot-rules';
import type { CreateLotDto } from './dto/create-lot.dto';
import type { MergeLotsDto, SplitLotDto } from './dto/lineage.dto';
import type { LotEventBatchItem, LotEventDto } from './dto/lot-event.dto';
import {
  ChainVerificationDto,
  LotDetailResponseDto,
  LotEventResponseDto,
  type LotEventBatchResponseDto,
  LotResponseDto,
  type ListLotsQueryDto,
  type SplitResponseDto,
} from './dto/lot-response.dto';
import type { QuantityDto } from './dto/validators';
import { LotsRepository, type LotRow } from './lots.repository';

/** Attempts to issue a label code when a serial collides with a label someone typed in. */
const LABEL_ISSUE_ATTEMPTS = 3;

@Injectable()
export class LotsService {
  constructor(
    private readonly lots: LotsRepository,
    private readonly writer: LedgerWriter,
    private readonly reader: LedgerReader,
    private readonly catalogue: CatalogueService,
    private readonly config: AppConfig,
  ) {}

  /** Registers a lot: its GENERATED event starts the chain. One statement (two when a label is issued). */
  async create(dto: CreateLotDto, principal: Principal): Promise<LotDetailResponseDto> {
    const member = asMember(principal);
    const occurredAt = timestamp(dto.occurredAt);
    const quantity = baseQuantity(dto.quantity, 'quantity');
    const generationDate = chinaDate(occurredAt);
    const future = checkOccurredAt(occurredAt, {
      now: new Date(),
      skewSeconds: this.config.CLOCK_SKEW_SECONDS,
      previous: null,
    });
    if (future) throw new RuleViolationError(future.code, future.message, { field: 'occurredAt' });
    const identificationRef = dto.identificationRef?.trim() || null;
    const resolution = await this.catalogue.resolve(dto.wasteCode, generationDate, identificationRef);
    if (!resolution.ok) {
      if (resolution.reason === 'no-edition') {
        throw new RuleViolationError(
          'no-catalogue-edition',
          `No waste catalogue edition is in force on ${generationDate} (China time)`,
          { field: 'occurredAt' },
        );
      }
      const field = resolution.reason === 'identification-required' ? 'identificationRef' : 'wasteCode';
      const message = {
        malformed: 'wasteCode must be NNN-NNN-NN',
        'unknown-code': `${dto.wasteCode} is not in the waste catalogue in force on ${generationDate}`,
        'unknown-category': `${dto.wasteCode} names no category of the catalogue in force on ${generationDate}`,
        'identification-required': `identificationRef is required for ${dto.wasteCode} (identified by testing)`,
      }[resolution.reason];
      throw new ValidationFailedError(message, [{ field, message, code: resolution.reason }]);
    }
    // The catalogue may answer from its latest edition when none is in force on the date (its
    // successor not loaded yet): the genesis event then records that the check was provisional.
    const provisional = 'editionInForce' in resolution && resolution.editionInForce === false;
    if (dto.labelCode !== undefined) {
      checkLabel(dto.labelCode, 'labelCode', dto.wasteCode, generationDate);
    }
    const actor = actorOf(member);
    for (let attempt = 1; ; attempt++) {
      const label = dto.labelCode ?? (await this.issueLabel(member.organisationId, dto.wasteCode, generationDate));
      const lot: NewLotRow = {
        id: randomUUID(),
        labelCode: label,
        labelCodeIssued: dto.labelCode === undefined,
        wasteCode: dto.wasteCode,
        wasteCategory: resolution.category,
        catalogueEditionId: resolution.edition.id,
        medicalClass: resolution.code?.medicalClass ?? null,
        identificationRef,
        quantity: quantity.amount,
        quantityUnit: quantity.unit,
        quantityMethod: dto.quantityMethod,
        physicalForm: dto.physicalForm,
        packagingType: dto.packagingType,
        containerCount: dto.containerCount,
        generatorOrganisationId: member.organisationId,
        status: LotStatus.ACTIVE,
        createdBy: member.actor,
      };
      const payload = compact({
        ...lotPayload(lot),
        catalogueEditionInForce: provisional ? false : undefined,
        mainConstituents: dto.mainConstituents ?? [],
        hazardousConstituents: dto.hazardousConstituents ?? [],
        facilityCode: dto.facilityCode,
        handlerName: dto.handlerName,
        destination: dto.destination,
        batchCode: dto.batchCode,
        notes: dto.notes,
      });
      try {
        const event = await this.writer.openLot(
          null,
          lot,
          { type: EventType.GENERATED, occurredAt, payload },
          { actor },
        );
        return LotDetailResponseDto.fromDetail(
          newLotRow(lot, event.hash, occurredAt, new Date(event.recordedAt)),
          [],
          [],
        );
      } catch (error) {
        const retry = error instanceof ConflictError && dto.labelCode === undefined && attempt < LABEL_ISSUE_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  async list(query: ListLotsQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const rows = await this.lots.list(
      viewerOf(principal),
      {
        wasteCode: query.wasteCode,
        status: query.status,
        custodianOrganisationId: query.custodianOrganisationId,
        generatedFrom: query.generatedFrom ? timestamp(query.generatedFrom) : undefined,
        generatedTo: query.generatedTo ? timestamp(query.generatedTo) : undefined,
      },
      decodeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (l) => ({ k: l.createdAt.toISOString(), id: l.id }), LotResponseDto.from);
  }

  async get(id: string, principal: Principal): Promise<LotDetailResponseDto> {
    const lot = await this.findVisible(id, principal);
    const { parents, children } = await this.lots.lineage(id);
    return LotDetailResponseDto.fromDetail(lot, parents, children);
  }

  /** Records an event on a lot held by the caller's organisation. */
  async append(id: string, dto: LotEventDto, principal: Principal): Promise<LotEventResponseDto> {
    const member = asMember(principal);
    const occurredAt = timestamp(dto.occurredAt);
    const corrected =
      dto.type === EventType.CORRECTED && dto.quantity ? baseQuantity(dto.quantity, 'quantity') : undefined;
    const { events } = await this.writer.appendToLot(id, {
      actor: actorOf(member),
      viewer: viewerOf(member),
      build: (head, executor, earlier) => this.draftOf(dto, head, occurredAt, corrected, executor, earlier),
    });
    return LotEventResponseDto.from(events[0]);
  }

  /**
   * Records events on many lots held by the caller's organisation, all or nothing (one
   * transaction; see LedgerWriter.appendBatch). Events of one lot apply in their order in the
   * batch. A refusal names the event by its `index` (and `events[i].…` fields).
   */
  async appendBatch(items: readonly LotEventBatchItem[], principal: Principal): Promise<LotEventBatchResponseDto> {
    const member = asMember(principal);
    const prepared = items.map(({ lotId, event }, index) =>
      atIndex(index, () => ({
        lotId,
        event,
        occurredAt: timestamp(event.occurredAt),
        corrected:
          event.type === EventType.CORRECTED && event.quantity ? baseQuantity(event.quantity, 'quantity') : undefined,
      })),
    );
    const appended = await this.writer.appendBatch(
      prepared.map((p, index) => ({
        lotId: p.lotId,
        build: (head, executor, earlier) =>
          atIndex(index, () => this.draftOf(p.event, head, p.occurredAt, p.corrected, executor, earlier)),
      })),
      { actor: actorOf(member), viewer: viewerOf(member) },
    );
    return { events: appended.map((events) => LotEventResponseDto.from(events[0])) };
  }

  async events(id: string, query: { limit?: number; cursor?: string }, principal: Principal) {
    const lot = await this.findVisible(id, principal);
    const limit = pageLimit(query);
    const position = decodeCursor(query.cursor);
    if (position && (position.id !== id || !/^\d{1,10}$/.test(position.k))) {
      throw new ValidationFailedError('The cursor is not valid', [
        { field: 'cursor', message: 'not a cursor of this lot’s events' },
      ]);
    }
    const rows = await this.reader.events(lot, position ? Number(position.k) : 0, limit + 1);
    return toPage(rows, limit, (e) => ({ k: String(e.seq), id }), LotEventResponseDto.from);
  }

  async verify(id: string, principal: Principal): Promise<ChainVerificationDto> {
    const result = await this.reader.verify(id, viewerOf(principal));
    if (!result) throw new NotFoundError('Lot', id);
    return ChainVerificationDto.from(id, result.head, result.verdict, new Date());
  }

  /** Divides a lot into new lots whose quantities add up to it exactly; the lot is closed. */
  async split(id: string, dto: SplitLotDto, principal: Principal): Promise<SplitResponseDto> {
    const member = asMember(principal);
    const occurredAt = timestamp(dto.occurredAt);
    const parts = dto.parts.map((p, i) => baseQuantity(p.quantity, `parts[${i}].quantity`));
    const date = chinaDate(occurredAt);
    const actor = actorOf(member);
    return this.writer.transaction(async (m) => {
      const head = (await this.writer.lockLots(m, [id], viewerOf(member))).get(id);
      this.assertCustodian(id, head, member);
      refuse(lineageStatusProblem(id, head.status));
      refuse(splitProblem({ amount: head.quantity, unit: head.quantityUnit }, parts));
      dto.parts.forEach((p, i) => {
        if (p.labelCode !== undefined) checkLabel(p.labelCode, `parts[${i}].labelCode`, head.wasteCode, date);
      });
      const [parent] = await this.lots.findByIds(m, [id]);
      const children: NewLotRow[] = [];
      for (const [i, part] of dto.parts.entries()) {
        children.push({
          ...inheritedAttributes(parent),
          id: randomUUID(),
          labelCode: part.labelCode ?? (await this.issueLabel(member.organisationId, parent.wasteCode, date, m)),
          labelCodeIssued: part.labelCode === undefined,
          quantity: parts[i].amount,
          quantityUnit: parts[i].unit,
          quantityMethod: part.quantityMethod ?? parent.quantityMethod,
          physicalForm: parent.physicalForm,
          packagingType: part.packagingType ?? parent.packagingType,
          containerCount: part.containerCount ?? 1,
          generatorOrganisationId: member.organisationId,
          createdBy: member.actor,
        });
      }
      const [splitEvent] = await this.writer.appendEvents(
        m,
        id,
        [
          {
            type: EventType.SPLIT,
            occurredAt,
            payload: compact({
              handlerName: dto.handlerName,
              children: children.map((c) => ({
                lotId: c.id,
                labelCode: c.labelCode,
                quantity: amountJson({ amount: c.quantity, unit: c.quantityUnit }),
              })),
              notes: dto.notes,
            }),
            effects: { status: LotStatus.SPLIT },
          },
        ],
        { actor, outbox: false },
      );
      for (const child of children) {
        const payload = compact({
          parent: { lotId: id, seq: splitEvent.seq, hash: splitEvent.hash },
          ...lotPayload(child),
          handlerName: dto.handlerName,
          notes: dto.notes,
        });
        await this.writer.openLot(
          m,
          child,
          { type: EventType.SPLIT_FROM, occurredAt, payload },
          { actor, outbox: false },
        );
      }
      await this.lots.insertLineage(
        m,
        children.map((c) => ({ parentLotId: id, childLotId: c.id, kind: LineageKind.SPLIT, quantity: c.quantity })),
        new Date(splitEvent.recordedAt),
      );
      await this.writer.notifyChanged(m, [id, ...children.map((c) => c.id)]);
      const rows = new Map((await this.lots.findByIds(m, [id, ...children.map((c) => c.id)])).map((r) => [r.id, r]));
      const edge = (c: NewLotRow) => ({ lotId: c.id, kind: LineageKind.SPLIT, quantity: c.quantity.toString() });
      return {
        parent: LotDetailResponseDto.fromDetail(rows.get(id)!, [], children.map(edge)),
        children: children.map((c) =>
          LotDetailResponseDto.fromDetail(rows.get(c.id)!, [{ ...edge(c), lotId: id }], []),
        ),
      };
    });
  }

  /** Merges lots of one waste code held by the caller into a new lot of their exact total. */
  async merge(dto: MergeLotsDto, principal: Principal): Promise<LotDetailResponseDto> {
    const member = asMember(principal);
    const occurredAt = timestamp(dto.occurredAt);
    const stated = dto.quantity ? baseQuantity(dto.quantity, 'quantity') : undefined;
    const date = chinaDate(occurredAt);
    const actor = actorOf(member);
    return this.writer.transaction(async (m) => {
      const heads = await this.writer.lockLots(m, dto.lotIds, viewerOf(member));
      for (const id of dto.lotIds) this.assertCustodian(id, heads.get(id), member);
      const parents = await this.lots.findByIds(m, dto.lotIds);
      const candidates = parents.map((p) => ({
        id: p.id,
        wasteCode: p.wasteCode,
        identificationRef: p.identificationRef,
        status: p.status,
        quantity: { amount: BigInt(p.quantity), unit: p.quantityUnit },
      }));
      refuse(mergeProblem(candidates));
      const total = mergedQuantity(candidates, stated);
      if ('problem' in total) throw ruleError(total.problem);
      const forms = new Set(parents.map((p) => p.physicalForm));
      const physicalForm = dto.physicalForm ?? (forms.size === 1 ? parents[0].physicalForm : undefined);
      if (!physicalForm) {
        throw new RuleViolationError(
          'physical-form-mismatch',
          'The lots differ in physical form: state the merged lot’s physicalForm',
        );
      }
      const [first] = parents;
      if (dto.labelCode !== undefined) checkLabel(dto.labelCode, 'labelCode', first.wasteCode, date);
      const child: NewLotRow = {
        ...inheritedAttributes(first),
        id: randomUUID(),
        labelCode: dto.labelCode ?? (await this.issueLabel(member.organisationId, first.wasteCode, date, m)),
        labelCodeIssued: dto.labelCode === undefined,
        quantity: total.quantity.amount,
        quantityUnit: total.quantity.unit,
        quantityMethod: parents.every((p) => p.quantityMethod === QuantityMethod.WEIGHED)
          ? QuantityMethod.WEIGHED
          : QuantityMethod.ESTIMATED,
        physicalForm,
        packagingType: dto.packagingType,
        containerCount: dto.containerCount,
        generatorOrganisationId: member.organisationId,
        createdBy: member.actor,
      };
      const merged: LedgerValue[] = [];
      for (const parent of parents) {
        const quantity = amountJson({ amount: BigInt(parent.quantity), unit: parent.quantityUnit });
        const [event] = await this.writer.appendEvents(
          m,
          parent.id,
          [
            {
              type: EventType.MERGED,
              occurredAt,
              payload: compact({
                handlerName: dto.handlerName,
                into: { lotId: child.id, labelCode: child.labelCode },
                quantity,
                notes: dto.notes,
              }),
              effects: { status: LotStatus.MERGED },
            },
          ],
          { actor, outbox: false },
        );
        merged.push({ lotId: parent.id, seq: event.seq, hash: event.hash, quantity });
      }
      const payload = compact({
        parents: merged,
        ...lotPayload(child),
        handlerName: dto.handlerName,
        notes: dto.notes,
      });
      const genesis = await this.writer.openLot(
        m,
        child,
        { type: EventType.MERGED_FROM, occurredAt, payload },
        { actor, outbox: false },
      );
      const edges = parents.map((p) => ({
        parentLotId: p.id,
        childLotId: child.id,
        kind: LineageKind.MERGE,
        quantity: BigInt(p.quantity),
      }));
      await this.lots.insertLineage(m, edges, new Date(genesis.recordedAt));
      await this.writer.notifyChanged(m, [...dto.lotIds, child.id]);
      const [row] = await this.lots.findByIds(m, [child.id]);
      return LotDetailResponseDto.fromDetail(
        row,
        edges.map((e) => ({ lotId: e.parentLotId, kind: e.kind, quantity: e.quantity.toString() })),
        [],
      );
    });
  }

  /** 404 for a lot the caller may not see; 403 not-custodian for one it may see but does not hold. */
  private assertCustodian(id: string, head: LotHead | undefined, member: MemberPrincipal): asserts head is LotHead {
    if (!head || !head.viewer || (!head.viewer.party && !head.viewer.inJurisdiction)) {
      throw new NotFoundError('Lot', id);
    }
    if (head.custodianOrganisationId !== member.organisationId) {
      throw new ForbiddenError(`Only the lot's current custodian may change lot ${id}`, 'not-custodian', { lotId: id });
    }
  }

  private async findVisible(id: string, principal: Principal): Promise<LotRow> {
    const lot = await this.lots.findVisible(id, viewerOf(principal));
    if (!lot) throw new NotFoundError('Lot', id);
    return lot;
  }

  /** An HJ 1276 label code from the organisation's daily serial (in the caller's transaction, if any). */
  private async issueLabel(
    organisationId: string,
    wasteCode: string,
    date: string,
    m?: EntityManager,
  ): Promise<string> {
    const { serial, registrationCode } = await this.lots.nextLabelSerial(m ?? null, organisationId, wasteCode, date);
    if (serial > MAX_LABEL_SERIAL) {
      throw new ConflictError(
        'label-serials-exhausted',
        `${MAX_LABEL_SERIAL} label codes were already issued for ${wasteCode} on ${date}: give labelCode explicitly`,
      );
    }
    return issueLabelCode(registrationCode, wasteCode, date, serial);
  }

  /** Domain rules and payload of one lots-API event, given the head it will follow. */
  private async draftOf(
    dto: LotEventDto,
    head: LotHead,
    occurredAt: Date,
    correctedQuantity: BaseQuantity | undefined,
    executor: EntityManager,
    earlier: readonly StoredEvent[],
  ): Promise<EventDraft[]> {
    refuse(appendProblem(head.status, dto.type, { changesQuantity: correctedQuantity !== undefined }));
    const common = { handlerName: dto.handlerName, notes: dto.notes };
    const status = statusAfter(head.status, dto.type);
    const draft = (payload: Record<string, LedgerValue | undefined>, effects: EventDraft['effects'] = {}) => [
      { type: dto.type, occurredAt, payload: compact({ ...common, ...payload }), effects: { ...effects, status } },
    ];
    switch (dto.type) {
      case EventType.STORED:
        return draft({
          location: compact({ code: dto.location.code, type: dto.location.type, name: dto.location.name }),
          batchCode: dto.batchCode,
        });
      case EventType.RETRIEVED:
        return draft({ batchCode: dto.batchCode, destination: dto.destination });
      case EventType.PACKAGED:
        return draft(
          { packagingType: dto.packagingType, containerCount: dto.containerCount },
          { packagingType: dto.packagingType, containerCount: dto.containerCount },
        );
      case EventType.RELABELLED:
        checkLabel(dto.labelCode, 'labelCode', head.wasteCode, chinaDate(occurredAt));
        if (dto.labelCode === head.labelCode) {
          throw new RuleViolationError('same-label-code', 'The lot already carries this label code');
        }
        return draft({ labelCode: dto.labelCode, previousLabelCode: head.labelCode }, { labelCode: dto.labelCode });
      case EventType.TREATED:
      case EventType.DISPOSED:
        return draft({ operationCode: dto.operationCode, facilityCode: dto.facilityCode, result: dto.result });
      case EventType.CORRECTED: {
        if (dto.corrects.seq > head.seq) {
          throw new RuleViolationError('unknown-event', `Lot ${head.id} has no event ${dto.corrects.seq}`, {
            field: 'corrects.seq',
          });
        }
        if (correctedQuantity && correctedQuantity.unit !== head.quantityUnit) {
          throw new RuleViolationError(
            'unit-mismatch',
            `The lot is counted in ${head.quantityUnit}; the corrected quantity must be too`,
          );
        }
        const target =
          earlier.find((e) => e.seq === dto.corrects.seq) ??
          (await this.reader.events(head, dto.corrects.seq - 1, 1, executor))[0];
        if (!target) {
          throw new RuleViolationError('unknown-event', `Lot ${head.id} has no event ${dto.corrects.seq}`, {
            field: 'corrects.seq',
          });
        }
        return draft(
          {
            corrects: { lotId: head.id, seq: target.seq, type: target.type, hash: target.hash },
            reason: dto.reason,
            changes: dto.changes?.map((c) => ({ field: c.field, value: c.value })),
            quantity: correctedQuantity && amountJson(correctedQuantity),
            quantityMethod: dto.quantityMethod,
          },
          { quantity: correctedQuantity?.amount, quantityMethod: dto.quantityMethod },
        );
      }
    }
  }
}

/**
 * Runs one batch item's step; a refusal names the item: `index` in the problem, and its field
 * errors as `events[i].<field>`.
 */
function atIndex<T>(index: number, step: () => T): T {
  const name = (error: unknown) => {
    if (error instanceof ValidationFailedError) {
      const renamed = new ValidationFailedError(
        `events[${index}]: ${error.message}`,
        error.errors.map((e) => ({ ...e, field: `events[${index}].${e.field}` })),
      );
      Object.assign(renamed.extensions, error.extensions, { index });
      return renamed;
    }
    if (error instanceof DomainError) Object.assign(error.extensions, { index });
    return error;
  };
  try {
    const result = step();
    return result instanceof Promise ? (result.catch((e: unknown) => Promise.reject(name(e))) as T) : result;
  } catch (error) {
    throw name(error);
  }
}

function asMember(principal: Principal): MemberPrincipal {
  if (principal.kind !== 'member') throw new ForbiddenError('Lots are recorded by members of organisations');
  return principal;
}

function viewerOf(principal: Principal): LotViewer {
  const member = asMember(principal);
  return {
    organisationId: member.organisationId,
    jurisdictionPrefix: isRegulator(member) ? member.jurisdictionPrefix : null,
  };
}

function actorOf(member: MemberPrincipal): LedgerActor {
  return { organisationId: member.organisationId, memberId: member.memberId, actor: member.actor };
}

/** Validated by the DTO; parsed again here into a Date. */
function timestamp(value: string): Date {
  const parsed = parseTimestamp(value);
  if (!parsed) throw new ValidationFailedError('Invalid timestamp', [{ field: 'occurredAt', message: 'invalid' }]);
  return parsed;
}

function baseQuantity(q: QuantityDto, field: string): BaseQuantity {
  try {
    return toBaseUnits(q.value, q.unit);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    const at = error.problem === 'unknown-unit' ? `${field}.unit` : `${field}.value`;
    throw new ValidationFailedError(`${at}: ${error.message}`, [
      { field: at, message: error.message, code: `quantity-${error.problem}` },
    ]);
  }
}

function checkLabel(code: string, field: string, wasteCode: string, notAfter: string): void {
  const problem = labelCodeProblem(code, { wasteCode, notAfter });
  if (problem) {
    throw new ValidationFailedError(`${field} ${problem}`, [
      { field, message: `${field} ${problem}`, code: 'invalid-label-code' },
    ]);
  }
}

function refuse(problem: RuleProblem | null): void {
  if (problem) throw ruleError(problem);
}

const ruleError = (problem: RuleProblem) => new RuleViolationError(problem.code, problem.message);

const amountJson = (q: BaseQuantity) => ({ amount: q.amount.toString(), unit: q.unit });

/** Drops undefined properties (ledger JSON has no undefined). */
function compact(value: Record<string, LedgerValue | undefined>): LedgerObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as LedgerObject;
}

/** What a lot's genesis payload records about it. */
function lotPayload(lot: NewLotRow): Record<string, LedgerValue | undefined> {
  return {
    wasteCode: lot.wasteCode,
    wasteCategory: lot.wasteCategory,
    catalogueEdition: lot.catalogueEditionId,
    medicalClass: lot.medicalClass ?? undefined,
    identificationRef: lot.identificationRef ?? undefined,
    quantity: amountJson({ amount: lot.quantity, unit: lot.quantityUnit }),
    quantityMethod: lot.quantityMethod,
    physicalForm: lot.physicalForm,
    packagingType: lot.packagingType,
    containerCount: lot.containerCount,
    labelCode: lot.labelCode,
    labelCodeIssued: lot.labelCodeIssued,
  };
}

function inheritedAttributes(parent: LotRow) {
  return {
    wasteCode: parent.wasteCode,
    wasteCategory: parent.wasteCategory,
    catalogueEditionId: parent.catalogueEditionId,
    medicalClass: parent.medicalClass,
    identificationRef: parent.identificationRef,
    status: LotStatus.ACTIVE,
  };
}

/** The row just inserted, without reading it back. */
function newLotRow(lot: NewLotRow, hash: string, occurredAt: Date, recordedAt: Date): LotRow {
  return {
    id: lot.id,
    labelCode: lot.labelCode,
    labelCodeIssued: lot.labelCodeIssued,
    wasteCode: lot.wasteCode,
    wasteCategory: lot.wasteCategory,
    catalogueEditionId: lot.catalogueEditionId,
    medicalClass: lot.medicalClass,
    identificationRef: lot.identificationRef,
    quantity: lot.quantity.toString(),
    quantityUnit: lot.quantityUnit,
    quantityMethod: lot.quantityMethod,
    physicalForm: lot.physicalForm as PhysicalForm,
    packagingType: lot.packagingType as LotRow['packagingType'],
    containerCount: lot.containerCount,
    generatorOrganisationId: lot.generatorOrganisationId,
    custodianOrganisationId: lot.generatorOrganisationId,
    status: lot.status,
    generatedAt: occurredAt,
    headSeq: 1,
    headHash: hash,
    headOccurredAt: occurredAt,
    createdAt: recordedAt,
    updatedAt: recordedAt,
  };
}
