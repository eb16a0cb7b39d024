import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, isRegulator, type Principal } from '../common/auth/principal';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { OutboxRepository } from '../queue/outbox.repository';
import { CreateRunDto, ListRunsQueryDto, RunAcceptedDto, RunResponseDto } from './dto/run.dto';
import type { ReconciliationRun } from './entities/reconciliation-run.entity';
import { RunsRepository } from './runs.repository';

/** The jurisdiction a caller may run and read reconciliations over: null for the platform admin (all). */
function jurisdictionOf(principal: Principal): string | null {
  if (isPlatformAdmin(principal)) return null;
  if (isRegulator(principal)) return principal.jurisdictionPrefix;
  throw new ForbiddenError('Only a regulator or the platform administrator runs reconciliations');
}

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Records the run and its planning job in one transaction; the work happens in the worker. */
  async create(dto: CreateRunDto, principal: Principal): Promise<RunAcceptedDto> {
    const jurisdiction = jurisdictionOf(principal);
    const regionPrefix = dto.regionPrefix ?? jurisdiction;
    if (jurisdiction !== null && !regionPrefix!.startsWith(jurisdiction)) {
      throw new ForbiddenError(
        `Region ${regionPrefix} is outside your jurisdiction (${jurisdiction})`,
        'outside-jurisdiction',
        { jurisdictionPrefix: jurisdiction },
      );
    }
    if (dto.periodFrom && dto.periodTo && dto.periodTo < dto.periodFrom) {
      throw new ValidationFailedError('periodTo is before periodFrom', [
        { field: 'periodTo', message: 'must not be before periodFrom' },
      ]);
    }
    const run = await this.runs.transaction(async (manager) => {
      const created = await this.runs.create(manager, {
        requestedBy: principal.actor,
        regionPrefix,
        periodFrom: dto.periodFrom ?? null,
        periodTo: dto.periodTo ?? null,
      });
      await this.outbox.enqueue(manager, [{ name: 'reconciliation.run-plan', payload: { runId: created.id } }]);
      return created;
    });
    return { id: run.id, status: run.status };
  }

  async get(id: string, principal: Principal): Promise<RunResponseDto> {
    const run = await this.runs.findById(id);
    if (!run || !visible(run, jurisdictionOf(principal))) throw new NotFoundError('Reconciliation run', id);
    return RunResponseDto.from(run);
  }

  async list(query: ListRunsQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const rows = await this.runs.list(jurisdictionOf(principal), decodeTimeCursor(query.cursor), limit);
    const now = new Date();
    return toPage(
      rows,
      limit,
      (r) => ({ k: r.createdAt.toISOString(), id: r.id }),
      (r) => RunResponseDto.from(r, now),
    );
  }
}

function visible(run: ReconciliationRun, jurisdiction: string | null): boolean {
  return jurisdiction === null || (run.regionPrefix !== null && run.regionPrefix.startsWith(jurisdiction));
}
