import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import {
  isMedicalLot,
  type ChainVerificationFacts,
  type FactBatch,
  type LotFacts,
  type OrganisationRole,
} from '../domain/facts';
import type { RuleProfile } from '../domain/rule-profile';
import { chinaCalendarDate } from '../domain/working-days';
import {
  FacilityMonthTally,
  facilityPeriodKey,
  monthWindow,
  parseFacilityPeriod,
  touchedPeriods,
  type FacilityPeriod,
} from './facility-months';
import { FactsRepository } from './facts.repository';
import { assignHoldingSince, chainVerification, lineageFacts, lotFacts, type LotRow } from './ledger-facts';
import { MANIFEST_FACTS_SOURCE, NO_MANIFEST_FACTS, type ManifestFactsSource } from './manifest-facts.source';

/** What to load: the subjects to judge in full. */
export interface FactsRequest {
  lotIds?: readonly string[];
  manifestIds?: readonly string[];
  /** Organisations judged as subjects: medical institutions (MEDICAL_COLLECTION_INTERVAL). */
  organisationIds?: readonly string[];
  /** Facility months, `<facilityId>@<YYYY-MM>` (MASS_BALANCE per facility, waste code and month). */
  facilityPeriods?: readonly string[];
  now: Date;
  profile: RuleProfile;
}

/** The lots of a batch with everything the lot rules need, read once. */
export interface LotPart {
  lots: LotFacts[];
  rows: Map<string, LotRow>;
  verifications: ChainVerificationFacts[];
}

/** Roles of the organisations that keep waste in stock (a monthly balance applies to them). */
const FACILITY_ROLES: ReadonlySet<OrganisationRole> = new Set(['COLLECTOR', 'STORER', 'TREATER']);

const groupBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
};

/**
 * Fills a FactBatch for a batch of subjects with set-based SQL: a handful of statements per batch
 * whatever its size (lots, events, lineage, ancestry, organisations, institutions, facility lots,
 * and the manifest part), on the caller's transaction.
 */
@Injectable()
export class FactsLoader implements OnModuleInit {
  private readonly logger = new Logger(FactsLoader.name);
  private manifestSource: ManifestFactsSource = NO_MANIFEST_FACTS;
  /** Lots of a facility month read (and tallied) at a time. */
  facilityLotsPerRead = 1_000;

  constructor(
    private readonly repository: FactsRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    try {
      this.manifestSource = this.moduleRef.get<ManifestFactsSource>(MANIFEST_FACTS_SOURCE, { strict: false });
      this.logger.log('manifest facts source registered');
    } catch {
      this.manifestSource = NO_MANIFEST_FACTS;
    }
  }

  /** The manifest part in use (the registered MANIFEST_FACTS_SOURCE, or none). */
  get manifests(): ManifestFactsSource {
    return this.manifestSource;
  }

  /** Replaces the manifest part (tests, or wiring without DI). */
  useManifestSource(source: ManifestFactsSource | null): void {
    this.manifestSource = source ?? NO_MANIFEST_FACTS;
  }

  /**
   * Lots with all their events (up to the head read with the lot), lineage facts, holding clocks
   * carried over splits and merges, and the verification of their hash chains.
   */
  async loadLots(manager: EntityManager, lotIds: readonly string[], now: Date): Promise<LotPart> {
    const rows = await this.repository.lots(manager, lotIds);
    if (rows.length === 0) return { lots: [], rows: new Map(), verifications: [] };
    const ids = rows.map((r) => r.id);
    // One connection per transaction: the statements run one after the other anyway.
    const events = await this.repository.events(manager, rows);
    const lineage = await this.repository.lineage(manager, ids);
    const ancestry = await this.repository.ancestry(manager, ids);
    const inBatch = new Set(ids);
    const ancestorRows = await this.repository.lots(
      manager,
      [...new Set(ancestry.map((e) => e.parentLotId))].filter((id) => !inBatch.has(id)),
    );
    const ancestorEvents = await this.repository.events(manager, ancestorRows);

    const eventsByLot = groupBy([...events, ...ancestorEvents], (e) => e.lotId);
    const all = new Map<string, LotFacts>();
    for (const r of [...rows, ...ancestorRows]) all.set(r.id, lotFacts(r, eventsByLot.get(r.id) ?? []));
    const parentsOf = new Map<string, string[]>();
    for (const e of ancestry) parentsOf.set(e.childLotId, [...(parentsOf.get(e.childLotId) ?? []), e.parentLotId]);
    assignHoldingSince(all, parentsOf);

    const batch = new Map(rows.map((r) => [r.id, { facts: all.get(r.id)!, unit: r.unit }]));
    const lineageByLot = lineageFacts(batch, lineage);
    const lots = rows.map((r) => {
      const facts = all.get(r.id)!;
      facts.lineage = lineageByLot.get(r.id) ?? [];
      return facts;
    });

    const verified = rows.map((r) => chainVerification(r, eventsByLot.get(r.id) ?? [], now));
    const failed = verified.filter((v) => !v.ok).map((v) => v.lotId);
    const parties = await this.repository.parties(manager, failed);
    const verifications = verified.map((v) => ({ ...v, partyIds: v.ok ? [] : (parties.get(v.lotId) ?? []) }));
    return {
      lots,
      rows: new Map(rows.map((r) => [r.id, r])),
      verifications,
    };
  }

  /**
   * Subjects whose facts a change to these lots may change: the medical institutions that
   * generated them (MEDICAL_COLLECTION_INTERVAL) and the facility months their events touch.
   */
  async relatedSubjects(
    manager: EntityManager,
    part: LotPart,
    now: Date,
  ): Promise<{ organisationIds: string[]; facilityPeriods: string[] }> {
    const institutions = new Set(part.lots.filter((l) => isMedicalLot(l)).map((l) => l.generatorId));
    const touched = part.lots.filter((l) => part.rows.get(l.id)?.unit === 'g').flatMap((l) => touchedPeriods(l));
    const orgs = await this.repository.organisations(
      manager,
      [...new Set(touched.map((p) => p.facilityId))],
      chinaCalendarDate(now),
    );
    const facilities = new Set(orgs.filter((o) => o.roles.some((r) => FACILITY_ROLES.has(r))).map((o) => o.id));
    return {
      organisationIds: [...institutions].sort(),
      facilityPeriods: [...new Set(touched.filter((p) => facilities.has(p.facilityId)).map(facilityPeriodKey))].sort(),
    };
  }

  /** The whole batch: facts of every subject requested, plus the organisations they involve. */
  async load(manager: EntityManager, request: FactsRequest, part?: LotPart): Promise<FactBatch> {
    const lots = part ?? (await this.loadLots(manager, request.lotIds ?? [], request.now));
    const today = chinaCalendarDate(request.now);
    const batch: FactBatch = { lots: lots.lots, chainVerifications: lots.verifications };
    const referenced = new Set<string>();
    for (const lot of lots.lots) {
      referenced.add(lot.generatorId);
      for (const e of lot.events) {
        referenced.add(e.organisationId);
        if (e.counterpartyId) referenced.add(e.counterpartyId);
      }
    }

    if (request.manifestIds?.length) {
      const part = await this.manifestSource.load(manager, {
        manifestIds: request.manifestIds,
        now: request.now,
        profile: request.profile,
      });
      batch.manifests = part.manifests;
      if (part.permitChecks) batch.permitChecks = part.permitChecks;
      if (part.pairLosses) batch.pairLosses = part.pairLosses;
      for (const id of part.organisationIds ?? []) referenced.add(id);
      for (const m of part.manifests) {
        referenced.add(m.consignorId);
        referenced.add(m.consigneeId);
        for (const c of m.carriers) referenced.add(c.organisationId);
      }
    }

    if (request.organisationIds?.length) {
      batch.medicalInstitutions = await this.repository.medicalInstitutions(manager, request.organisationIds);
      for (const i of batch.medicalInstitutions) {
        referenced.add(i.organisationId);
        if (i.collectorId) referenced.add(i.collectorId);
      }
    }

    const periods = (request.facilityPeriods ?? [])
      .map(parseFacilityPeriod)
      .filter((p): p is FacilityPeriod => p !== null);
    if (periods.length > 0) {
      batch.facilityMonths = await this.facilityMonths(manager, periods, lots);
      for (const p of periods) referenced.add(p.facilityId);
    }

    const ids = [...referenced].sort();
    batch.organisations = await this.repository.organisations(manager, ids, today);
    if (batch.manifests?.length) batch.creditGrades = await this.repository.creditGrades(manager, ids);
    return batch;
  }

  /**
   * The facilities' lots in the periods' windows, tallied chunk by chunk: the lots already in the
   * batch as loaded, the others with their movements only (no hashes, a slim payload), read
   * `facilityLotsPerRead` at a time and let go once tallied, so that a treater's month of tens of
   * thousands of lots does not sit in memory at once.
   */
  private async facilityMonths(manager: EntityManager, periods: FacilityPeriod[], part: LotPart) {
    const windows = [...groupBy(periods, (p) => p.facilityId)].map(([facilityId, ps]) => {
      const w = ps.map((p) => monthWindow(p.month));
      return {
        facilityId,
        from: new Date(Math.min(...w.map((x) => x.from))),
        to: new Date(Math.max(...w.map((x) => x.to))),
      };
    });
    const tally = new FacilityMonthTally(periods);
    const rows = await this.repository.facilityLots(manager, windows);
    const inBatch = new Map(part.lots.map((l) => [l.id, l]));
    const missing: LotRow[] = [];
    for (const r of rows) {
      const known = inBatch.get(r.id);
      if (known) tally.add(known);
      else missing.push(r);
    }
    for (let i = 0; i < missing.length; i += this.facilityLotsPerRead) {
      const chunk = missing.slice(i, i + this.facilityLotsPerRead);
      const events = groupBy(await this.repository.movements(manager, chunk), (e) => e.lotId);
      for (const r of chunk) tally.add(lotFacts(r, events.get(r.id) ?? []));
    }
    return tally.facts();
  }
}
