import { Injectable } from '@nestjs/common';
import { decodeCursor, pageLimit, toPage } from '../common/pagination/cursor';
import { ValidationFailedError } from '../common/problem/domain-errors';
import { JobFailureResponseDto, ListJobFailuresQueryDto } from './dto/job-failure.dto';
import { JobFailuresRepository } from './job-failures.repository';

@Injectable()
export class JobFailuresService {
  constructor(private readonly failures: JobFailuresRepository) {}

  async list(query: ListJobFailuresQueryDto) {
    const limit = pageLimit(query);
    const position = decodeCursor(query.cursor);
    if (position && !/^\d{1,19}$/.test(position.id)) {
      throw new ValidationFailedError('The cursor is not valid', [
        { field: 'cursor', message: 'not a cursor from this API' },
      ]);
    }
    const rows = await this.failures.list({ jobName: query.jobName }, position?.id ?? null, limit);
    return toPage(rows, limit, (f) => ({ k: f.failedAt.toISOString(), id: f.id }), JobFailureResponseDto.from);
  }
}
