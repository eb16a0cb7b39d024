import { Injectable } from '@nestjs/common';
import { decideReadScope, type ReadScope } from '../common/auth/read-scope';
import type { Principal } from '../common/auth/principal';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { formatMass } from '../common/quantity/decimal-quantity';
import { reportPeriod, type ReportPeriod } from '../common/time/report-period';
import { PeriodDto } from '../audit/dto/common.dto';
import { CN_DEFAULT_PROFILE } from '../reconciliation/domain/rule-profile';
import { coverage, institutionVerdict } from './domain/medical-coverage';
import type { MedicalCollectionDto, PeriodQueryDto, StatsScopeDto, TonnageDto, TonnageQueryDto } from './dto/stats.dto';
import { StatsRepository } from './stats.repository';

const METHODS = {
  generated:
    'Sum of the genesis quantity of lots generated in the period (GENERATED events; lots from splits and merges are not new waste), by generation time and the generator’s region. Mass lots only (pieces are not weighed).',
  transferred:
    'Sum of the declared quantity of manifest lines whose manifest was picked up by its first carrier in the period, by pickup time and the consignor’s (sending) region. Mass lines only.',
  treated:
    'Sum of the quantity treated or disposed of in the period: the treated quantity a manifest completion records, else the lot’s quantity; counted once per lot (a lot already closed by an earlier treatment is not counted again), by the time of the operation and the region of the organisation that performed it. Mass lots only.',
};

const MEDICAL_METHOD =
  'Institutions are the generators of HW01 (medical waste) lots generated in the period, in scope. A lot is picked up when another organisation first confirms custody of it (RECEIVED), on the lot or on a lot split or merged from it. A lot is ON_TIME if picked up within limitHours of its generation, LATE if after; OVERDUE if not picked up and limitHours have passed (as of asOf), WAITING if not yet; SELF_DISPOSED if the institution treated or disposed of it itself first (not judged). An institution is ON_TIME when every judged lot was on time, NOT_ON_TIME when any was late or overdue. onTimeRate = ON_TIME institutions / (ON_TIME + NOT_ON_TIME). limitHours is the MEDICAL_COLLECTION_INTERVAL interval of the rule profile in force (山东省医疗废物管理办法 Art 10: 48 h; epidemic mode, 24 h, is not applied here).';

@Injectable()
export class StatsService {
  constructor(private readonly stats: StatsRepository) {}

  async tonnage(query: TonnageQueryDto, principal: Principal): Promise<TonnageDto> {
    const scope = this.scope(query, principal);
    const range = period(query);
    const groupBy = query.groupBy ?? 'category';
    const bucket = query.period ?? 'month';
    const regionLevel = query.regionLevel ?? null;
    const rows = await this.stats.tonnage({
      kind: query.kind,
      groupBy,
      period: bucket,
      regionLevel,
      scope,
      from: range.from,
      to: range.to,
    });
    let grams = 0n;
    let count = 0;
    for (const r of rows) {
      grams += BigInt(r.grams);
      count += r.count;
    }
    return {
      kind: query.kind,
      groupBy,
      period: bucket,
      regionLevel,
      range: PeriodDto.of(range),
      scope: scopeDto(scope),
      rows: rows.map((r) => ({
        period: r.period,
        group: r.group,
        region: r.region,
        grams: r.grams,
        tonnes: formatMass(BigInt(r.grams), 't'),
        count: r.count,
      })),
      totals: { grams: grams.toString(), tonnes: formatMass(grams, 't'), count },
      method: METHODS[query.kind],
    };
  }

  async medicalCollection(query: PeriodQueryDto, principal: Principal): Promise<MedicalCollectionDto> {
    const scope = this.scope(query, principal);
    const range = period(query);
    const limitHours = CN_DEFAULT_PROFILE.rules.MEDICAL_COLLECTION_INTERVAL.thresholds.intervalHours;
    const now = new Date();
    const rows = await this.stats.medicalCollection({ scope, from: range.from, to: range.to, limitHours, now });
    const institutions = rows.map((r) => ({
      institution: { id: r.organisationId, name: r.name, regionCode: r.regionCode },
      verdict: institutionVerdict(r),
      lots: r.lots,
      onTime: r.onTime,
      late: r.late,
      overdue: r.overdue,
      waiting: r.waiting,
      selfDisposed: r.selfDisposed,
      worstHours: r.worstHours,
    }));
    return {
      range: PeriodDto.of(range),
      scope: scopeDto(scope),
      limitHours,
      asOf: now.toISOString(),
      institutions,
      summary: coverage(institutions.map((i) => i.verdict)),
      method: MEDICAL_METHOD,
    };
  }

  /** Regulators: their jurisdiction (or a region within it); the platform admin: any region; a party: itself. */
  private scope(query: { region?: string }, principal: Principal): ReadScope {
    const decision = decideReadScope(principal, { region: query.region }, undefined);
    if (!decision.ok) throw new NotFoundError('Region', query.region);
    return decision.scope;
  }
}

function period(query: PeriodQueryDto): ReportPeriod {
  const range = reportPeriod(query.from, query.to);
  if (!range) {
    throw new ValidationFailedError('The period is empty: `to` must be after `from`', [
      { field: 'to', message: 'must be after from', code: 'period-order' },
    ]);
  }
  return range;
}

function scopeDto(scope: ReadScope): StatsScopeDto {
  return {
    kind: scope.kind,
    region: scope.kind === 'region' ? scope.prefix : null,
    organisationId: scope.kind === 'organisation' ? scope.organisationId : null,
  };
}
