import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isPlatformAdmin, type MemberPrincipal, type Principal } from '../common/auth/principal';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import {
  ConflictError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
  type FieldError,
} from '../common/problem/domain-errors';
import { isCalendarDate } from '../common/time/china-date';
import { BaseUnit, CLOSED_STATUSES, LotPartyRole } from '../ledger/domain/ledger-types';
import { QuantityError, toBaseUnits } from '../ledger/domain/quantity';
import { LedgerWriter } from '../ledger/ledger-writer';
import { OrganisationRole, type Organisation } from '../organisations/entities/organisation.entity';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { OutboxRepository } from '../queue/outbox.repository';
import { chinaYear, cityCode, manifestNumber } from './domain/manifest-number';
import { isMedicalCode, transportModeRefusal } from './domain/manifest-rules';
import { CreateManifestDto, type ManifestLineInputDto } from './dto/manifest-input.dto';
import { ListManifestsQueryDto, ManifestResponseDto, ManifestSummaryDto } from './dto/manifest-response.dto';
import type { ManifestCarrier } from './entities/manifest-carrier.entity';
import type { ManifestLine } from './entities/manifest-line.entity';
import type { Manifest } from './entities/manifest.entity';
import { canSeeManifest, manifestVisibility } from './manifest-access';
import { ManifestsRepository, type ManifestAggregate } from './manifests.repository';

const RECEIVING_ROLES = [OrganisationRole.TREATER, OrganisationRole.COLLECTOR, OrganisationRole.STORER];

/** Drafting, reading and the copy of record. The signed steps are in ManifestStepsService. */
@Injectable()
export class ManifestsService {
  constructor(
    private readonly manifests: ManifestsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly ledger: LedgerWriter,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Drafts a manifest from the consignor's lots: numbers it (gap-free per city and year), puts
   * its lots on it (a lot is on at most one open manifest) and makes the carriers and consignee
   * parties to the lots, all in one transaction.
   */
  async createDraft(dto: CreateManifestDto, principal: MemberPrincipal): Promise<ManifestResponseDto> {
    const consignorId = principal.organisationId;
    const errors: FieldError[] = [];
    if (!isCalendarDate(dto.plannedDate))
      errors.push({ field: 'plannedDate', message: 'plannedDate is not a calendar date' });
    const lotIds = dto.lines.map((l) => l.lotId);
    if (new Set(lotIds).size !== lotIds.length)
      errors.push({ field: 'lines', message: 'a lot may appear on one line only' });
    if (dto.consigneeId === consignorId)
      errors.push({ field: 'consigneeId', message: 'the consignee must be another organisation' });
    if ((dto.linkedManifestId === undefined) !== (dto.linkKind === undefined)) {
      errors.push({ field: 'linkKind', message: 'linkedManifestId and linkKind go together' });
    }
    if (errors.length) throw new ValidationFailedError(errors.map((e) => e.message).join('; '), errors);

    const consignor = await this.mustFind(consignorId, 'consignorId');
    const consignee = await this.mustFind(dto.consigneeId, 'consigneeId');
    // Waste goes to a facility — or, on a return manifest, back to the consignor it came from.
    if (dto.linkKind !== 'RETURN' && !consignee.roles.some((r) => RECEIVING_ROLES.includes(r))) {
      throw new ValidationFailedError('The consignee must be a treatment, collection or storage facility', [
        { field: 'consigneeId', message: 'not a TREATER, COLLECTOR or STORER' },
      ]);
    }
    for (const [i, c] of dto.carriers.entries()) {
      const carrier = await this.mustFind(c.organisationId, `carriers.${i}.organisationId`);
      if (!carrier.roles.includes(OrganisationRole.TRANSPORTER)) {
        throw new ValidationFailedError('Every carrier must be a TRANSPORTER', [
          { field: `carriers.${i}.organisationId`, message: 'not a TRANSPORTER' },
        ]);
      }
    }
    const mode = dto.transportMode ?? 'ROAD';
    const approvalRef = dto.approvalRef ?? null;

    const id = await this.manifests.transaction(async (m) => {
      const heads = await this.ledger.lockLots(m, lotIds);
      const lines: ManifestLine[] = [];
      for (const [i, input] of dto.lines.entries()) {
        const head = heads.get(input.lotId);
        // A lot the consignor does not hold is "not found" to it: custody is the only right to ship.
        if (!head || head.custodianOrganisationId !== consignorId) throw new NotFoundError('Lot', input.lotId);
        if (CLOSED_STATUSES.has(head.status)) {
          throw new ConflictError('lot-closed', `Lot ${input.lotId} is ${head.status} and cannot be shipped`, {
            lotId: input.lotId,
          });
        }
        lines.push(this.line(i + 1, input, head.wasteCode, head.quantityUnit, head.containerCount));
      }
      const medical = lines.some((l) => isMedicalCode(l.wasteCode));
      const refusal = transportModeRefusal(mode, medical, approvalRef);
      if (refusal) throw new RuleViolationError('medical-transport-mode', refusal, { transportMode: mode });
      const linked = dto.linkedManifestId ? await this.linkFollowUp(m, dto, consignorId, lotIds) : null;

      const now = new Date();
      const serial = await this.manifests.nextSerial(m, cityCode(consignor.regionCode), chinaYear(now));
      const manifest: Manifest = {
        id: crypto.randomUUID(),
        number: manifestNumber(chinaYear(now), consignor.regionCode, serial),
        status: 'DRAFT',
        consignorId,
        consigneeId: consignee.id,
        consignorRegion: consignor.regionCode,
        consigneeRegion: consignee.regionCode,
        plannedDate: dto.plannedDate,
        plannedOperation: dto.plannedOperation,
        transportMode: mode,
        approvalRef,
        emergencyMeasures: dto.emergencyMeasures,
        medical,
        currentCarrier: null,
        linkedManifestId: linked?.manifest.id ?? null,
        linkKind: dto.linkKind ?? null,
        createdAt: now,
        createdBy: principal.actor,
        updatedAt: now,
      };
      const carriers: ManifestCarrier[] = dto.carriers.map((c, position) => ({
        manifestId: manifest.id,
        position,
        organisationId: c.organisationId,
        vehiclePlate: c.vehiclePlate,
        operatingPermitNumber: c.operatingPermitNumber,
        startPoint: c.startPoint ?? null,
        endPoint: c.endPoint ?? null,
      }));
      for (const l of lines) l.manifestId = manifest.id;
      await this.manifests.insert(m, { manifest, carriers, lines });
      await this.manifests.reserveLots(m, manifest.id, lotIds);
      if (linked) {
        for (const l of linked.lines)
          await this.manifests.updateLine(m, linked.manifest.id, l.lineNo, { followUpManifestId: manifest.id });
      }
      const parties = [consignee.id, ...carriers.map((c) => c.organisationId)];
      await this.ledger.addParties(
        m,
        lotIds,
        [...new Set(parties)].map((organisationId) => ({ organisationId, role: LotPartyRole.MANIFEST })),
      );
      await this.outbox.enqueue(m, [
        { name: 'reconciliation.manifests-changed', payload: { manifestIds: [manifest.id] } },
      ]);
      return manifest.id;
    });
    return this.get(id, principal);
  }

  async list(query: ListManifestsQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const rows = await this.manifests.list(
      manifestVisibility(principal),
      {
        status: query.status,
        partyId: query.party,
        role: query.role,
        roleOrganisationId: isPlatformAdmin(principal) ? undefined : principal.organisationId,
        createdFrom: query.from ? new Date(query.from) : undefined,
        createdTo: query.to ? new Date(query.to) : undefined,
        wasteCode: query.wasteCode,
      },
      decodeTimeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (m) => ({ k: m.createdAt.toISOString(), id: m.id }), ManifestSummaryDto.from);
  }

  async get(id: string, principal: Principal): Promise<ManifestResponseDto> {
    const aggregate = await this.findVisible(id, principal);
    const steps = await this.manifests.steps(id);
    return ManifestResponseDto.from(aggregate.manifest, aggregate.carriers, aggregate.lines, steps);
  }

  /**
   * The copy of record: the manifest with every step, its canonical payload, hash and device
   * signature, plus each lot's custody events written by those steps' hashes — everything an
   * auditor needs to check the manifest against the ledger.
   */
  async copyOfRecord(id: string, principal: Principal) {
    const manifest = await this.get(id, principal);
    return {
      kind: 'custody-ledger/manifest-copy-of-record/v1',
      generatedAt: new Date().toISOString(),
      manifest,
      verification:
        'Each step.payloadHash = SHA-256 of the RFC 8785 encoding of step.payload; a signed step verifies with the member’s device key (Ed25519) over the same bytes; the lots’ custody events of each step carry its payloadHash (GET /v1/lots/{id}/events).',
    };
  }

  async findVisible(id: string, principal: Principal): Promise<ManifestAggregate> {
    const aggregate = await this.manifests.find(id);
    if (!aggregate || !canSeeManifest(principal, aggregate)) throw new NotFoundError('Manifest', id);
    return aggregate;
  }

  private line(
    lineNo: number,
    input: ManifestLineInputDto,
    wasteCode: string,
    unit: BaseUnit,
    containers: number,
  ): ManifestLine {
    let declared: { amount: bigint; unit: BaseUnit };
    try {
      declared = toBaseUnits(input.declared.value, input.declared.unit);
    } catch (error) {
      if (error instanceof QuantityError) {
        throw new ValidationFailedError(error.message, [
          { field: `lines.${lineNo - 1}.declared`, message: error.message, code: error.problem },
        ]);
      }
      throw error;
    }
    if (declared.unit !== unit) {
      throw new ValidationFailedError(`line ${lineNo}: the lot is counted in ${unit}`, [
        {
          field: `lines.${lineNo - 1}.declared.unit`,
          message: `the lot is counted in ${unit === BaseUnit.GRAM ? 'mass (g, kg, t)' : 'pieces (pcs)'}`,
        },
      ]);
    }
    return {
      manifestId: '',
      lineNo,
      lotId: input.lotId,
      wasteCode,
      unit,
      declaredQuantity: declared.amount.toString(),
      declaredContainers: input.containers ?? containers,
      hazard: input.hazard ?? null,
      physicalForm: input.physicalForm ?? null,
      packaging: input.packaging ?? null,
      unNumber: input.unNumber ?? null,
      dangerousGoodsClass: input.dangerousGoodsClass ?? null,
      receivedQuantity: null,
      receivedContainers: null,
      receivedWasteCode: null,
      decision: null,
      acceptedQuantity: null,
      rejectionReason: null,
      operationCode: null,
      treatedQuantity: null,
      followUpManifestId: null,
    };
  }

  /**
   * A return manifest sends rejected waste back to the original consignor; an onward manifest
   * to another facility. Only the rejected lines of a manifest the caller received, once each.
   */
  private async linkFollowUp(m: EntityManager, dto: CreateManifestDto, consignorId: string, lotIds: string[]) {
    const linked = await this.manifests.lock(m, dto.linkedManifestId!);
    if (!linked || linked.manifest.consigneeId !== consignorId)
      throw new NotFoundError('Manifest', dto.linkedManifestId);
    if (dto.linkKind === 'RETURN' && dto.consigneeId !== linked.manifest.consignorId) {
      throw new RuleViolationError('return-to-consignor', 'A return manifest goes back to the original consignor', {
        expectedConsigneeId: linked.manifest.consignorId,
      });
    }
    const lines = lotIds.map((lotId) => linked.lines.find((l) => l.lotId === lotId));
    const bad = lotIds.filter((_, i) => {
      const l = lines[i];
      return !l || (l.decision !== 'REJECTED' && l.decision !== 'PARTIALLY_REJECTED') || l.followUpManifestId !== null;
    });
    if (bad.length) {
      throw new RuleViolationError(
        'not-rejected-on-linked-manifest',
        'Only rejected waste of the linked manifest, once, may go on a follow-up manifest',
        {
          lotIds: bad,
        },
      );
    }
    return { manifest: linked.manifest, lines: lines as ManifestLine[] };
  }

  private async mustFind(id: string, field: string): Promise<Organisation> {
    const org = await this.organisations.findById(id);
    if (!org)
      throw new ValidationFailedError(`${field} names no organisation`, [{ field, message: 'unknown organisation' }]);
    return org;
  }
}
