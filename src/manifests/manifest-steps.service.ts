import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { createHash, type KeyObject } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { OPERATION_SCHEMES, OperationKind } from '../catalogue/domain/operation';
import type { MemberPrincipal } from '../common/auth/principal';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../common/problem/domain-errors';
import { chinaDate } from '../common/time/china-date';
import { AppConfig } from '../config/app-config';
import type { LedgerObject } from '../ledger/domain/event-hash';
import { parseTimestamp } from '../ledger/domain/ledger-time';
import { BaseUnit, EventType, LotStatus, QuantityMethod } from '../ledger/domain/ledger-types';
import { QuantityError, toBaseUnits } from '../ledger/domain/quantity';
import { LedgerWriter, type EventDraft } from '../ledger/ledger-writer';
import { DeviceKeysService } from '../members/device-keys.service';
import { PermitCheckService } from '../permits/permit-check.service';
import { PermitUsageRepository } from '../permits/permit-usage.repository';
import { OutboxRepository } from '../queue/outbox.repository';
import { acceptedQuantity } from './domain/manifest-rules';
import {
  transition,
  type LineDecision,
  type ManifestAction,
  type TransitionRefusal,
} from './domain/manifest-state-machine';
import { verifyStepSignature } from './domain/step-signature';
import type { CancelStepDto, CompleteStepDto, ReceiveStepDto, StepDto } from './dto/manifest-input.dto';
import { ManifestResponseDto } from './dto/manifest-response.dto';
import type { ManifestLine } from './entities/manifest-line.entity';
import type { ManifestPermitCheck } from './entities/manifest-permit-check.entity';
import type { ManifestStep } from './entities/manifest-step.entity';
import { canSeeManifest, partyOf } from './manifest-access';
import { ManifestsRepository, type ManifestAggregate } from './manifests.repository';

interface StepContext {
  m: EntityManager;
  aggregate: ManifestAggregate;
  principal: MemberPrincipal;
  occurredAt: Date;
  stepSeq: number;
  stepHash: string;
  /** Lots whose chains the step extended: one reconciliation.lots-changed row names them. */
  changedLotIds: string[];
}

/**
 * Every manifest action is one signed step, in one transaction: the manifest row is locked,
 * the transition is decided by the state machine, the device signature (if any) is verified
 * over the canonical payload, the step is recorded, the lots' custody events are appended
 * (carrying the step's hash), and an outbox row asks for reconciliation. Only the receiving
 * party's confirmation moves custody.
 */
@Injectable()
export class ManifestStepsService {
  constructor(
    private readonly manifests: ManifestsRepository,
    private readonly ledger: LedgerWriter,
    private readonly permits: PermitCheckService,
    private readonly usage: PermitUsageRepository,
    private readonly catalogue: CatalogueService,
    private readonly deviceKeys: DeviceKeysService,
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {}

  submit(id: string, dto: StepDto, principal: MemberPrincipal) {
    return this.perform(id, 'submit', dto, principal, [], async (ctx) => {
      await this.checkPermits(ctx);
      const to = ctx.aggregate.carriers[0].organisationId;
      await this.append(
        ctx,
        (line) => ({
          type: EventType.HANDED_OVER,
          payload: {
            ...this.ref(ctx, line),
            toOrganisationId: to,
            declared: quantity(line.declaredQuantity, line.unit),
          },
        }),
        ctx.aggregate.manifest.consignorId,
      );
    });
  }

  pickup(id: string, dto: StepDto, principal: MemberPrincipal) {
    return this.perform(id, 'pickup', dto, principal, [], (ctx) =>
      this.transfer(
        ctx,
        ctx.aggregate.manifest.consignorId,
        ctx.aggregate.carriers[0].organisationId,
        LotStatus.IN_TRANSIT,
        dto.location,
      ),
    );
  }

  relay(id: string, dto: StepDto, principal: MemberPrincipal) {
    return this.perform(id, 'relay', dto, principal, [], (ctx) => {
      const from = ctx.aggregate.carriers[ctx.aggregate.manifest.currentCarrier!].organisationId;
      const to = ctx.aggregate.carriers[ctx.aggregate.manifest.currentCarrier! + 1].organisationId;
      return this.transfer(ctx, from, to, LotStatus.IN_TRANSIT, dto.location);
    });
  }

  deliver(id: string, dto: StepDto, principal: MemberPrincipal) {
    return this.perform(id, 'deliver', dto, principal, [], (ctx) => {
      const last = ctx.aggregate.carriers[ctx.aggregate.carriers.length - 1].organisationId;
      return this.transfer(ctx, last, ctx.aggregate.manifest.consigneeId, LotStatus.ACTIVE, dto.location);
    });
  }

  receive(id: string, dto: ReceiveStepDto, principal: MemberPrincipal) {
    const decisions = dto.lines.map((l) => l.decision as LineDecision);
    return this.perform(id, 'receive', dto, principal, decisions, async (ctx) => {
      const { lines } = ctx.aggregate;
      const byNo = new Map(dto.lines.map((l) => [l.lineNo, l]));
      if (
        byNo.size !== dto.lines.length ||
        lines.some((l) => !byNo.has(l.lineNo)) ||
        dto.lines.length !== lines.length
      ) {
        throw new ValidationFailedError('Give exactly one entry for every manifest line', [
          { field: 'lines', message: `expected lines ${lines.map((l) => l.lineNo).join(', ')}, once each` },
        ]);
      }
      const date = chinaDate(ctx.occurredAt);
      const consigneeId = ctx.aggregate.manifest.consigneeId;
      for (const line of lines) {
        const input = byNo.get(line.lineNo)!;
        const field = `lines.${dto.lines.indexOf(input)}`;
        const received = this.amount(input.received.value, input.received.unit, line.unit, `${field}.received`);
        const accepted = input.accepted
          ? this.amount(input.accepted.value, input.accepted.unit, line.unit, `${field}.accepted`)
          : null;
        const decided = acceptedQuantity({
          declared: BigInt(line.declaredQuantity),
          received,
          decision: input.decision,
          accepted,
          reason: input.reason ?? null,
        });
        if (!decided.ok)
          throw new ValidationFailedError(`line ${line.lineNo}: ${decided.message}`, [
            { field, message: decided.message },
          ]);
        if (input.receivedWasteCode && input.receivedWasteCode !== line.wasteCode) {
          const resolved = await this.catalogue.resolve(input.receivedWasteCode, date);
          if (!resolved.ok) {
            throw new ValidationFailedError(
              `line ${line.lineNo}: receivedWasteCode is not a listed code (${resolved.reason})`,
              [{ field: `${field}.receivedWasteCode`, message: resolved.reason }],
            );
          }
        }
        await this.setLine(ctx, line, {
          receivedQuantity: received.toString(),
          receivedContainers: input.receivedContainers ?? null,
          receivedWasteCode: input.receivedWasteCode ?? null,
          decision: input.decision,
          acceptedQuantity: decided.accepted.toString(),
          rejectionReason: input.reason ?? null,
        });
        await this.ledger.appendEvents(
          ctx.m,
          line.lotId,
          [
            {
              type: EventType.INSPECTED,
              occurredAt: ctx.occurredAt,
              payload: {
                ...this.ref(ctx, line),
                declared: quantity(line.declaredQuantity, line.unit),
                quantity: quantity(received.toString(), line.unit),
                receivedContainers: input.receivedContainers ?? null,
                receivedWasteCode: input.receivedWasteCode ?? line.wasteCode,
                decision: input.decision,
                accepted: quantity(decided.accepted.toString(), line.unit),
                reason: input.reason ?? null,
              },
              effects: { quantity: received, quantityMethod: QuantityMethod.WEIGHED },
            },
          ],
          { actor: this.actor(ctx), outbox: false },
        );
        // The consignee's licence is checked again at reception (it may have been suspended on the
        // way), and what it accepted counts against its licensed annual capacity.
        const accepting = line.unit === BaseUnit.GRAM ? decided.accepted : 0n;
        if (ctx.aggregate.manifest.linkKind !== 'RETURN') {
          const check = await this.permits.check(
            {
              organisationId: consigneeId,
              wasteCode: line.wasteCode,
              operation: ctx.aggregate.manifest.plannedOperation,
              date,
              quantityGrams: accepting,
            },
            ctx.m,
          );
          await this.manifests.recordPermitChecks(ctx.m, [
            {
              manifestId: line.manifestId,
              organisationId: consigneeId,
              partyRole: 'CONSIGNEE',
              step: 'RECEIVE',
              checkedAt: new Date(),
              wasteCode: line.wasteCode,
              outcome: check.allowed ? 'OK' : (check.refusals[0]?.rule ?? 'NOT_LICENSED'),
              permitId: check.permitId,
            },
          ]);
          if (check.permitId && accepting > 0n) {
            await this.usage.record(ctx.m, {
              permitId: check.permitId,
              occurredAt: ctx.occurredAt,
              quantityGrams: decided.accepted,
              reference: `manifest:${line.manifestId}:line:${line.lineNo}`,
            });
          }
        }
      }
      // Received, the manifest is no longer open: its lots are free — rejected waste for a return
      // or onward manifest, accepted waste for the consignee's own onward shipment.
      await this.manifests.releaseLots(ctx.m, ctx.aggregate.manifest.id);
      ctx.changedLotIds = lines.map((l) => l.lotId);
    });
  }

  complete(id: string, dto: CompleteStepDto, principal: MemberPrincipal) {
    return this.perform(id, 'complete', dto, principal, [], async (ctx) => {
      const accepted = ctx.aggregate.lines.filter(
        (l) => l.decision === 'ACCEPTED' || l.decision === 'PARTIALLY_REJECTED',
      );
      const byNo = new Map(dto.lines.map((l) => [l.lineNo, l]));
      if (
        byNo.size !== dto.lines.length ||
        dto.lines.length !== accepted.length ||
        accepted.some((l) => !byNo.has(l.lineNo))
      ) {
        throw new ValidationFailedError('Give exactly one entry for every accepted line', [
          { field: 'lines', message: `expected lines ${accepted.map((l) => l.lineNo).join(', ')}, once each` },
        ]);
      }
      for (const line of accepted) {
        const input = byNo.get(line.lineNo)!;
        const field = `lines.${dto.lines.indexOf(input)}`;
        const treated = this.amount(input.treated.value, input.treated.unit, line.unit, `${field}.treated`);
        const acceptedQty = BigInt(line.acceptedQuantity!);
        if (treated > acceptedQty) {
          throw new ValidationFailedError(`line ${line.lineNo}: more treated than accepted`, [
            { field: `${field}.treated`, message: `at most the accepted ${acceptedQty} ${line.unit}` },
          ]);
        }
        const disposal =
          (await this.operationKind(input.operationCode, `${field}.operationCode`)) === OperationKind.DISPOSAL;
        const remaining = BigInt(line.receivedQuantity!) - acceptedQty;
        await this.setLine(ctx, line, {
          operationCode: input.operationCode,
          treatedQuantity: treated.toString(),
        });
        await this.ledger.appendEvents(
          ctx.m,
          line.lotId,
          [
            {
              type: disposal ? EventType.DISPOSED : EventType.TREATED,
              occurredAt: ctx.occurredAt,
              payload: {
                ...this.ref(ctx, line),
                operationCode: input.operationCode,
                treated: quantity(treated.toString(), line.unit),
                remaining: quantity(remaining.toString(), line.unit),
              },
              // A partly rejected lot stays open with what was rejected, waiting for its return.
              effects:
                remaining > 0n
                  ? { quantity: remaining, status: LotStatus.ACTIVE }
                  : { status: disposal ? LotStatus.DISPOSED : LotStatus.TREATED },
            },
          ],
          { actor: this.actor(ctx), outbox: false },
        );
      }
      ctx.changedLotIds = accepted.map((l) => l.lotId);
    });
  }

  cancel(id: string, dto: CancelStepDto, principal: MemberPrincipal) {
    return this.perform(id, 'cancel', dto, principal, [], async (ctx) => {
      if (ctx.aggregate.manifest.status === 'SUBMITTED') {
        // The consignor's release to the first carrier lapses.
        await this.append(
          ctx,
          (line) => ({ type: EventType.REJECTED, payload: { ...this.ref(ctx, line), reason: dto.reason } }),
          ctx.aggregate.manifest.consignorId,
        );
      }
      await this.manifests.releaseLots(ctx.m, ctx.aggregate.manifest.id);
    });
  }

  private async perform(
    id: string,
    action: ManifestAction,
    dto: StepDto,
    principal: MemberPrincipal,
    decisions: LineDecision[],
    apply: (ctx: StepContext) => Promise<void>,
  ): Promise<ManifestResponseDto> {
    const occurredAt = parseTimestamp(dto.occurredAt)!;
    const now = new Date();
    if (occurredAt.getTime() > now.getTime() + this.config.CLOCK_SKEW_SECONDS * 1000) {
      throw new RuleViolationError(
        'occurred-at-in-future',
        `occurredAt ${occurredAt.toISOString()} is in the future (server time ${now.toISOString()})`,
      );
    }
    const { signature, ...body } = dto;
    return this.manifests.transaction(async (m) => {
      // The device key is read with the manifest, on the transaction's own connection (a lookup
      // on a second pooled connection while holding this one starved the pool).
      const state = await this.manifests.lockForStep(m, id, signature?.deviceKeyId ?? null);
      if (!state || !canSeeManifest(principal, state)) throw new NotFoundError('Manifest', id);
      const { manifest } = state;
      const result = transition(
        { status: manifest.status, carrierCount: state.carriers.length, currentCarrier: manifest.currentCarrier },
        action,
        partyOf(state, principal.organisationId),
        decisions,
      );
      if (!result.ok) throw refusalError(result.refusal, action);

      const payload = {
        manifestId: manifest.id,
        manifestNumber: manifest.number,
        action,
        organisationId: principal.organisationId,
        memberId: principal.memberId,
        ...body,
        occurredAt: occurredAt.toISOString(),
      };
      if (signature) {
        verifySignature(this.deviceKeys.verifyingKey(principal.memberId, state.deviceKey), signature, payload);
      }
      const stepHash = createHash('sha256').update(canonicalize(payload)!, 'utf8').digest('hex');
      // The manifest is locked and its steps were read after the lock: the next seq is free.
      const stepSeq = state.steps.reduce((max, s) => Math.max(max, s.seq), 0) + 1;
      const ctx: StepContext = { m, aggregate: state, principal, occurredAt, stepSeq, stepHash, changedLotIds: [] };
      await apply(ctx);
      const step: Omit<ManifestStep, 'manifest'> = {
        manifestId: manifest.id,
        seq: stepSeq,
        action,
        fromStatus: manifest.status,
        toStatus: result.to,
        organisationId: principal.organisationId,
        memberId: principal.memberId,
        actor: principal.actor,
        occurredAt,
        recordedAt: now,
        payload: payload as Record<string, unknown>,
        payloadHash: stepHash,
        deviceKeyId: signature?.deviceKeyId ?? null,
        signature: signature?.value ?? null,
      };
      const written = await this.manifests.writeStep(m, {
        step,
        status: result.to,
        currentCarrier: result.currentCarrier,
        changedLotIds: [...new Set(ctx.changedLotIds)],
      });
      // The answer is the manifest as this step left it, from what the step holds: the same as
      // reading it back (the lines the step changed were changed in memory too; the payload and
      // updated_at as stored).
      return ManifestResponseDto.from(
        { ...manifest, status: result.to, currentCarrier: result.currentCarrier, updatedAt: written.updatedAt },
        state.carriers,
        state.lines,
        [...state.steps, { ...step, payload: written.payload }],
      );
    });
  }

  /** The consignee must be licensed for every code and the planned operation; carriers to carry it. */
  private async checkPermits(ctx: StepContext): Promise<void> {
    const { manifest, carriers, lines } = ctx.aggregate;
    const date = manifest.plannedDate;
    const refusals: Array<Record<string, string | number | null>> = [];
    const checks: Omit<ManifestPermitCheck, 'id' | 'manifest'>[] = [];
    const parties = [
      // Returning rejected waste to the consignor it came from needs no licence of the consignor.
      ...(manifest.linkKind === 'RETURN'
        ? []
        : [{ role: 'CONSIGNEE', organisationId: manifest.consigneeId, operation: manifest.plannedOperation }]),
      ...carriers.map((c) => ({
        role: `CARRIER ${c.position + 1}`,
        organisationId: c.organisationId,
        operation: 'TRANSPORT',
      })),
    ];
    for (const line of lines) {
      for (const party of parties) {
        const result = await this.permits.check(
          {
            organisationId: party.organisationId,
            wasteCode: line.wasteCode,
            operation: party.operation,
            date,
            quantityGrams: line.unit === BaseUnit.GRAM ? BigInt(line.declaredQuantity) : 0n,
          },
          ctx.m,
        );
        checks.push({
          manifestId: manifest.id,
          organisationId: party.organisationId,
          partyRole: party.role === 'CONSIGNEE' ? 'CONSIGNEE' : 'CARRIER',
          step: 'SUBMIT',
          checkedAt: new Date(),
          wasteCode: line.wasteCode,
          outcome: result.allowed ? 'OK' : (result.refusals[0]?.rule ?? 'NOT_LICENSED'),
          permitId: result.permitId,
        });
        for (const r of result.refusals) {
          refusals.push({
            party: party.role,
            organisationId: party.organisationId,
            lineNo: line.lineNo,
            wasteCode: line.wasteCode,
            rule: r.rule,
            message: r.message,
          });
        }
      }
    }
    if (refusals.length === 0) await this.manifests.recordPermitChecks(ctx.m, checks);
    if (refusals.length) {
      const first = refusals[0];
      throw new RuleViolationError(
        'permit-refused',
        `${first.party} ${first.rule}: ${first.message} (line ${first.lineNo}, ${first.wasteCode})`,
        { refusals },
      );
    }
  }

  /** Custody passes to the confirming party: RECEIVED in each lot's chain, naming where it came from. */
  private async transfer(
    ctx: StepContext,
    from: string,
    to: string,
    status: LotStatus,
    location: string | undefined,
  ): Promise<void> {
    await this.append(
      ctx,
      (line) => ({
        type: EventType.RECEIVED,
        payload: { ...this.ref(ctx, line), fromOrganisationId: from, location: location ?? null },
        effects: { custodianOrganisationId: to, status },
      }),
      from,
    );
  }

  /** One event per line, one statement for every lot (locked first, in id order). */
  private async append(
    ctx: StepContext,
    draft: (line: ManifestLine) => Omit<EventDraft, 'occurredAt'>,
    expectedCustodianId: string,
  ): Promise<void> {
    const lots = ctx.aggregate.lines.map((l) => l.lotId);
    const heads = await this.ledger.lockLots(ctx.m, lots);
    try {
      await this.ledger.appendLocked(
        ctx.m,
        heads,
        ctx.aggregate.lines.map((line) => ({
          lotId: line.lotId,
          drafts: [{ ...draft(line), occurredAt: ctx.occurredAt }],
        })),
        { actor: this.actor(ctx), expectedCustodianId, outbox: false },
      );
    } catch (error) {
      if (error instanceof ForbiddenError) {
        const lotId = error.extensions.lotId as string;
        throw new ConflictError(
          'lot-custody-changed',
          `Lot ${lotId} is no longer held by the party this step expects`,
          {
            lotId,
          },
        );
      }
      throw error;
    }
    ctx.changedLotIds = lots;
  }

  /** Updates a line, and the line the step holds (the answer is built from it). */
  private async setLine(ctx: StepContext, line: ManifestLine, values: Partial<ManifestLine>): Promise<void> {
    await this.manifests.updateLine(ctx.m, line.manifestId, line.lineNo, values);
    Object.assign(line, values);
  }

  private ref(ctx: StepContext, line: ManifestLine): LedgerObject {
    return {
      manifestId: ctx.aggregate.manifest.id,
      manifestNumber: ctx.aggregate.manifest.number,
      lineNo: line.lineNo,
      stepSeq: ctx.stepSeq,
      stepHash: ctx.stepHash,
    };
  }

  private actor(ctx: StepContext) {
    return {
      organisationId: ctx.principal.organisationId,
      memberId: ctx.principal.memberId,
      actor: ctx.principal.actor,
    };
  }

  /** RECOVERY or DISPOSAL, from the operation-code tables (Chinese methods first, then EU codes). */
  private async operationKind(code: string, field: string): Promise<OperationKind> {
    const index = await this.catalogue.index();
    const entry =
      index.operationCodes(OPERATION_SCHEMES.CN_HW_METHOD).find((o) => o.code === code) ??
      index.operationCodes(OPERATION_SCHEMES.EU_WFD).find((o) => o.code === code);
    if (!entry || (entry.kind !== OperationKind.RECOVERY && entry.kind !== OperationKind.DISPOSAL)) {
      throw new ValidationFailedError(`${code} is not a utilisation or disposal method code`, [
        { field, message: 'unknown method code (see GET /v1/catalogue/operation-codes)' },
      ]);
    }
    return entry.kind;
  }

  private amount(value: string, unit: string, expected: string, field: string): bigint {
    try {
      const q = toBaseUnits(value, unit);
      if (q.unit !== expected) throw new QuantityError('unknown-unit', `this line is counted in ${expected}`);
      return q.amount;
    } catch (error) {
      if (error instanceof QuantityError)
        throw new ValidationFailedError(`${field}: ${error.message}`, [
          { field, message: error.message, code: error.problem },
        ]);
      throw error;
    }
  }
}

/** The step's signature must verify with the member's active device key (looked up before). */
function verifySignature(key: KeyObject | null, signature: { value: string }, payload: object): void {
  if (!key) throw new RuleViolationError('unknown-device-key', 'The device key is not an active key of this member');
  if (!verifyStepSignature(key, payload, signature.value)) {
    throw new RuleViolationError(
      'bad-signature',
      'The signature does not verify over the canonical step payload (docs/manifests.md)',
    );
  }
}

function quantity(amount: string, unit: string): LedgerObject {
  return { amount, unit };
}

function refusalError(refusal: TransitionRefusal, action: ManifestAction): Error {
  switch (refusal.kind) {
    case 'invalid-state':
      return new ConflictError('manifest-invalid-state', `Cannot ${action} a manifest that is ${refusal.status}`, {
        currentState: refusal.status,
        allowedFrom: [...refusal.allowedFrom],
      });
    case 'not-your-step':
      return new ForbiddenError(
        `Only the ${refusal.expected.toLowerCase()}${refusal.carrierIndex === undefined ? '' : ` at position ${refusal.carrierIndex + 1}`} may ${action}`,
        'not-your-step',
        { expected: refusal.expected },
      );
    case 'carriers-pending':
      return new ConflictError('carriers-pending', 'Every carrier leg must be confirmed before delivery', {
        currentCarrier: refusal.currentCarrier,
        carrierCount: refusal.carrierCount,
      });
    case 'no-next-carrier':
      return new ConflictError('no-next-carrier', 'There is no further carrier on this manifest', {
        carrierCount: refusal.carrierCount,
      });
  }
}
