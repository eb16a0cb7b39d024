import { Injectable } from '@nestjs/common';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { RegulatorReadsRepository } from '../common/regulator-reads/regulator-reads.repository';
import { RegulatorReadResponseDto, type ListRegulatorReadsQueryDto } from './dto/regulator-read.dto';

/** What platform administrators see of regulators' reads. */
@Injectable()
export class RegulatorReadsService {
  constructor(private readonly reads: RegulatorReadsRepository) {}

  async list(query: ListRegulatorReadsQueryDto) {
    const limit = pageLimit(query);
    const rows = await this.reads.list(
      {
        regulatorOrganisationId: query.regulatorOrganisationId,
        memberId: query.memberId,
        resourceType: query.resourceType,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      decodeTimeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (r) => ({ k: r.createdAt.toISOString(), id: r.id }), RegulatorReadResponseDto.from);
  }
}
