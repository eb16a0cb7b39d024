import { Injectable } from '@nestjs/common';
import { inJurisdiction, isPlatformAdmin, isRegulator, type Principal } from '../common/auth/principal';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/problem/domain-errors';
import { FlagResponseDto, ListFlagsQueryDto } from './dto/flag.dto';
import { Flag, FlagStatus } from './entities/flag.entity';
import { FlagsRepository, type FlagVisibility } from './flags.repository';

@Injectable()
export class FlagsService {
  constructor(private readonly flags: FlagsRepository) {}

  async list(query: ListFlagsQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const rows = await this.flags.list(
      visibilityOf(principal),
      {
        ruleId: query.rule,
        severity: query.severity,
        status: query.status,
        organisationId: query.organisationId,
        regionPrefix: query.region,
        subjectType: query.subjectType,
        subjectId: query.subjectId,
        detectedFrom: query.from ? new Date(query.from) : undefined,
        detectedTo: query.to ? new Date(query.to) : undefined,
      },
      decodeTimeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (f) => ({ k: f.detectedAt.toISOString(), id: f.id }), FlagResponseDto.from);
  }

  async get(id: string, principal: Principal): Promise<FlagResponseDto> {
    const flag = await this.findVisible(id, principal);
    const history = await this.flags.history(id);
    return { ...FlagResponseDto.from(flag), history: history.map((h) => ({ ...h, at: h.at.toISOString() })) };
  }

  /** A party involved, or a regulator over it, acknowledges (with an optional comment). */
  async acknowledge(id: string, comment: string | undefined, principal: Principal): Promise<FlagResponseDto> {
    const flag = await this.findVisible(id, principal);
    if (flag.status === FlagStatus.ACKNOWLEDGED && comment) {
      await this.flags.comment(id, principal.actor, comment);
      return this.get(id, principal);
    }
    if (
      !(await this.flags.transition(id, [FlagStatus.OPEN], FlagStatus.ACKNOWLEDGED, principal.actor, comment ?? ''))
    ) {
      throw stateConflict((await this.flags.findById(id)) ?? flag, 'acknowledge');
    }
    return this.get(id, principal);
  }

  /** Only a regulator with jurisdiction resolves, with a note. */
  async resolve(id: string, note: string, principal: Principal): Promise<FlagResponseDto> {
    const flag = await this.findVisible(id, principal);
    if (!isRegulator(principal) || !flag.regionCodes.some((r) => inJurisdiction(principal, r))) {
      throw new ForbiddenError('Only a regulator with jurisdiction over a party may resolve a flag');
    }
    if (
      !(await this.flags.transition(
        id,
        [FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED],
        FlagStatus.RESOLVED,
        principal.actor,
        note,
      ))
    ) {
      throw stateConflict((await this.flags.findById(id)) ?? flag, 'resolve');
    }
    return this.get(id, principal);
  }

  private async findVisible(id: string, principal: Principal): Promise<Flag> {
    const flag = await this.flags.findById(id);
    if (!flag || !canSee(principal, flag)) throw new NotFoundError('Flag', id);
    return flag;
  }
}

function visibilityOf(p: Principal): FlagVisibility {
  if (isPlatformAdmin(p)) return { all: true };
  return { organisationId: p.organisationId, jurisdictionPrefix: isRegulator(p) ? p.jurisdictionPrefix : null };
}

function canSee(p: Principal, flag: Flag): boolean {
  if (isPlatformAdmin(p)) return true;
  if (flag.organisationIds.includes(p.organisationId)) return true;
  return flag.regionCodes.some((r) => inJurisdiction(p, r));
}

function stateConflict(flag: Flag, action: string): ConflictError {
  return new ConflictError('flag-invalid-state', `Cannot ${action} a flag that is ${flag.status}`, {
    currentState: flag.status,
  });
}
