import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isRegulator, type MemberPrincipal } from '../common/auth/principal';
import { NotFoundError } from '../common/problem/domain-errors';
import { FlagResponseDto } from '../flags/dto/flag.dto';
import { ChainVerifier } from '../ledger/domain/chain-verifier';
import { LedgerReader } from '../ledger/ledger-reader';
import type { LedgerEvent, LotViewer } from '../ledger/ledger.repository';
import { ChainVerificationDto } from '../lots/dto/lot-response.dto';
import { ManifestResponseDto, ManifestStepResponseDto } from '../manifests/dto/manifest-response.dto';
import { canSeeManifest } from '../manifests/manifest-access';
import {
  AuditRepository,
  LINEAGE_MAX_DEPTH,
  LINEAGE_MAX_NODES,
  type AuditLotRow,
  type LineageRows,
} from './audit.repository';
import { custodyTimeline } from './domain/custody-intervals';
import { manifestTrail } from './domain/manifest-trail';
import { AmountDto, OrganisationRefDto } from './dto/common.dto';
import type { LineageSideDto, LotAuditDto } from './dto/lot-audit.dto';
import type { ManifestAuditDto, TrailEventDto } from './dto/manifest-audit.dto';

const EVENT_BATCH = 2_000;

/**
 * The chain audit: a lot's whole story, or a manifest's trail through the ledger, each read in
 * one snapshot so that the events shown are the events verified.
 */
@Injectable()
export class ChainAuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly reader: LedgerReader,
  ) {}

  /** 404 unless the caller is a party to the lot or a regulator over one of its parties. */
  lot(id: string, principal: MemberPrincipal): Promise<LotAuditDto> {
    const viewer = viewerOf(principal);
    return this.audit.snapshot(async (m) => {
      const [lot] = await this.audit.lots(m, [id], viewer);
      if (!lot || !lot.visible) throw new NotFoundError('Lot', id);
      const events = await this.allEvents(m, lot);
      const verifier = new ChainVerifier(id);
      for (const e of events) if (!verifier.push(e)) break;
      const verdict = verifier.finish({ seq: lot.headSeq, hash: lot.headHash });
      const timeline = custodyTimeline(
        events.map((e) => ({
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurredAt,
          actorOrganisationId: e.actor.organisationId,
          payload: e.payload,
        })),
      );
      const lineage = await this.audit.lineage(m, id);
      const nodeIds = [...lineage.upstream.nodes.keys(), ...lineage.downstream.nodes.keys()].filter((n) => n !== id);
      const nodes = new Map((await this.audit.lots(m, nodeIds, viewer)).map((n) => [n.id, n]));
      const manifests = await this.audit.manifestsOfLot(m, id);
      const steps = await this.audit.stepsOf(
        m,
        manifests.map((x) => x.id),
      );
      const flags = await this.audit.flagsOn(m, [
        { type: 'LOT', id },
        ...manifests.map((x) => ({ type: 'MANIFEST', id: x.id })),
      ]);
      const orgIds = new Set<string>([lot.generatorOrganisationId, lot.custodianOrganisationId]);
      for (const e of events) {
        orgIds.add(e.actor.organisationId);
        for (const key of ['fromOrganisationId', 'toOrganisationId']) {
          const v = e.payload[key];
          if (typeof v === 'string') orgIds.add(v);
        }
      }
      for (const g of timeline.gaps) orgIds.add(g.namedSenderId);
      for (const x of manifests) [x.consignorId, x.consigneeId, ...x.carrierIds].forEach((o) => orgIds.add(o));
      for (const s of steps) orgIds.add(s.organisationId);
      const names = await this.audit.organisationNames(m, orgIds);
      const ref = (orgId: string) => OrganisationRefDto.of(orgId, names);

      return {
        lot: {
          id: lot.id,
          labelCode: lot.labelCode,
          wasteCode: lot.wasteCode,
          wasteCategory: lot.wasteCategory,
          wasteName: lot.wasteName,
          medicalClass: lot.medicalClass,
          quantity: AmountDto.of(lot.quantity, lot.quantityUnit),
          status: lot.status,
          generator: ref(lot.generatorOrganisationId),
          custodian: ref(lot.custodianOrganisationId),
          generatedAt: lot.generatedAt.toISOString(),
          headSeq: lot.headSeq,
          headHash: lot.headHash,
        },
        events: events.map((e) => ({
          seq: e.seq,
          globalSeq: e.globalSeq,
          type: e.type,
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt,
          actor: { ...ref(e.actor.organisationId), memberId: e.actor.memberId },
          payload: e.payload,
          prevHash: e.prevHash,
          hash: e.hash,
          format: e.format,
        })),
        custody: {
          intervals: timeline.intervals.map((i) => ({
            custodian: ref(i.organisationId),
            from: i.from,
            to: i.to,
            startedBy: i.startedBy,
            endedBy: i.endedBy,
            releasedAt: i.releasedAt,
          })),
          gaps: timeline.gaps.map((g) => ({
            kind: g.kind,
            from: g.from,
            to: g.to,
            durationMs: g.durationMs,
            previousCustodian: ref(g.previousOrganisationId),
            nextCustodian: ref(g.nextOrganisationId),
            namedSender: ref(g.namedSenderId),
            seq: g.seq,
          })),
          anomalies: timeline.anomalies.map((a) => ({
            kind: a.kind,
            seq: a.seq,
            type: a.type,
            actor: ref(a.actorOrganisationId),
            custodian: a.custodianOrganisationId ? ref(a.custodianOrganisationId) : null,
          })),
          currentCustodian: timeline.currentCustodianId ? ref(timeline.currentCustodianId) : null,
          closed: timeline.closed,
        },
        lineage: {
          upstream: lineageSide(lineage.upstream, nodes, id, lot.quantityUnit),
          downstream: lineageSide(lineage.downstream, nodes, id, lot.quantityUnit),
          maxDepth: LINEAGE_MAX_DEPTH,
          maxLotsPerSide: LINEAGE_MAX_NODES,
        },
        manifests: manifests.map((x) => ({
          id: x.id,
          number: x.number,
          status: x.status,
          consignor: ref(x.consignorId),
          carriers: x.carrierIds.map(ref),
          consignee: ref(x.consigneeId),
          plannedOperation: x.plannedOperation,
          linkKind: x.linkKind,
          linkedManifestId: x.linkedManifestId,
          line: {
            lineNo: x.lineNo,
            declared: AmountDto.of(x.declaredQuantity, x.unit),
            received: x.receivedQuantity === null ? null : AmountDto.of(x.receivedQuantity, x.unit),
            decision: x.decision,
            accepted: x.acceptedQuantity === null ? null : AmountDto.of(x.acceptedQuantity, x.unit),
            operationCode: x.operationCode,
            treated: x.treatedQuantity === null ? null : AmountDto.of(x.treatedQuantity, x.unit),
          },
          steps: steps
            .filter((s) => s.manifestId === x.id)
            .map((s) => ({
              seq: s.seq,
              action: s.action,
              toStatus: s.toStatus,
              occurredAt: s.occurredAt.toISOString(),
              by: ref(s.organisationId),
            })),
        })),
        flags: flags.map(FlagResponseDto.from),
        verification: ChainVerificationDto.from(id, { seq: lot.headSeq, hash: lot.headHash }, verdict, new Date()),
        generatedAt: new Date().toISOString(),
      };
    });
  }

  /** 404 unless the caller is a party to the manifest or a regulator over its sending or receiving place. */
  manifest(id: string, principal: MemberPrincipal): Promise<ManifestAuditDto> {
    const viewer = viewerOf(principal);
    return this.audit.snapshot(async (m) => {
      const aggregate = await this.audit.manifestAggregate(m, id);
      if (!aggregate || !canSeeManifest(principal, aggregate)) throw new NotFoundError('Manifest', id);
      const { manifest, carriers, lines } = aggregate;
      const steps = await this.audit.manifestSteps(m, id);
      const lotIds = lines.map((l) => l.lotId);
      const events = await this.audit.manifestEvents(m, id, lotIds);
      const trail = manifestTrail(steps, lines, events);
      const lots = new Map((await this.audit.lots(m, lotIds, viewer)).map((l) => [l.id, l]));
      const verifications = new Map<string, ChainVerificationDto>();
      for (const lot of lots.values()) verifications.set(lot.id, await this.verify(m, lot));
      const flags = await this.audit.flagsOn(m, [
        { type: 'MANIFEST', id },
        ...lotIds.map((lotId) => ({ type: 'LOT', id: lotId })),
      ]);
      const orgIds = new Set<string>([manifest.consignorId, manifest.consigneeId]);
      carriers.forEach((c) => orgIds.add(c.organisationId));
      steps.forEach((s) => orgIds.add(s.organisationId));
      events.forEach((e) => orgIds.add(e.actorOrganisationId));
      lots.forEach((l) => orgIds.add(l.custodianOrganisationId));
      const names = await this.audit.organisationNames(m, orgIds);
      const ref = (orgId: string) => OrganisationRefDto.of(orgId, names);
      const trailEvent = (e: (typeof events)[number]): TrailEventDto => ({
        lotId: e.lotId,
        seq: e.seq,
        type: e.type,
        occurredAt: e.occurredAt.toISOString(),
        recordedAt: e.recordedAt.toISOString(),
        actor: ref(e.actorOrganisationId),
        stepHash: e.stepHash,
        hash: e.hash,
      });
      return {
        manifest: ManifestResponseDto.from(manifest, carriers, lines),
        parties: {
          consignor: ref(manifest.consignorId),
          carriers: carriers.map((c) => ref(c.organisationId)),
          consignee: ref(manifest.consigneeId),
        },
        steps: trail.steps.map((t, i) => ({
          ...ManifestStepResponseDto.from(steps[i]),
          by: ref(steps[i].organisationId),
          events: t.events.map(trailEvent),
          expectedLotIds: t.expectedLotIds,
          missingLotIds: t.missingLotIds,
          complete: t.complete,
        })),
        unmatchedEvents: trail.unmatched.map(trailEvent),
        trailComplete: trail.complete,
        lots: lines.map((line) => {
          const lot = lots.get(line.lotId);
          return {
            lineNo: line.lineNo,
            lotId: line.lotId,
            labelCode: lot?.labelCode ?? null,
            status: lot?.status ?? null,
            custodian: lot ? ref(lot.custodianOrganisationId) : null,
            verification: verifications.get(line.lotId) ?? null,
          };
        }),
        flags: flags.map(FlagResponseDto.from),
        generatedAt: new Date().toISOString(),
      };
    });
  }

  /** Every event of a lot, in seq order, read in batches on the snapshot's connection. */
  private async allEvents(m: EntityManager, lot: AuditLotRow): Promise<LedgerEvent[]> {
    const all: LedgerEvent[] = [];
    for (;;) {
      const batch = await this.reader.events(lot, all.length ? all[all.length - 1].seq : 0, EVENT_BATCH, m);
      all.push(...batch);
      if (batch.length < EVENT_BATCH) return all;
    }
  }

  /** Recomputes a lot's chain on the snapshot's connection, batch by batch. */
  private async verify(m: EntityManager, lot: AuditLotRow): Promise<ChainVerificationDto> {
    const verifier = new ChainVerifier(lot.id);
    let after = 0;
    for (;;) {
      const batch = await this.reader.events(lot, after, EVENT_BATCH, m);
      for (const e of batch) if (!verifier.push(e)) break;
      if (verifier.failed || batch.length < EVENT_BATCH) break;
      after = batch[batch.length - 1].seq;
    }
    const head = { seq: lot.headSeq, hash: lot.headHash };
    return ChainVerificationDto.from(lot.id, head, verifier.finish(head), new Date());
  }
}

export function viewerOf(principal: MemberPrincipal): LotViewer {
  return {
    organisationId: principal.organisationId,
    jurisdictionPrefix: isRegulator(principal) ? principal.jurisdictionPrefix : null,
  };
}

function lineageSide(
  side: LineageRows['upstream'],
  nodes: ReadonlyMap<string, AuditLotRow>,
  rootId: string,
  unit: string,
): LineageSideDto {
  return {
    lots: [...side.nodes.entries()]
      .filter(([lotId]) => lotId !== rootId)
      .map(([lotId, depth]) => {
        const n = nodes.get(lotId);
        const shown = n && n.visible ? n : null;
        return {
          lotId,
          depth,
          visible: shown !== null,
          labelCode: shown?.labelCode ?? null,
          wasteCode: shown?.wasteCode ?? null,
          status: shown?.status ?? null,
          quantity: shown ? AmountDto.of(shown.quantity, shown.quantityUnit) : null,
          generatorOrganisationId: shown?.generatorOrganisationId ?? null,
        };
      }),
    edges: side.edges.map((e) => ({
      parentLotId: e.parentLotId,
      childLotId: e.childLotId,
      kind: e.kind,
      quantity: AmountDto.of(e.quantity, unit),
      at: e.createdAt.toISOString(),
    })),
    truncated: side.truncated,
  };
}
