import { Injectable } from '@nestjs/common';
import { decideReadScope } from '../common/auth/read-scope';
import type { Principal } from '../common/auth/principal';
import { UTF8_BOM } from '../common/csv/csv';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { chinaDate } from '../common/time/china-date';
import { reportPeriod } from '../common/time/report-period';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { csvHeader } from './domain/register-columns';
import type { RegisterExportQueryDto } from './dto/register-export.dto';
import { RegistryRepository } from './registry.repository';

export interface RegisterExport {
  contentType: string;
  filename: string;
  /** The body, chunk by chunk; the database sends more rows only as chunks are pulled. */
  chunks: AsyncGenerator<string | Buffer, void, undefined>;
}

@Injectable()
export class RegistryService {
  constructor(
    private readonly registry: RegistryRepository,
    private readonly organisations: OrganisationsRepository,
  ) {}

  /** Checks the request (scope, period) and prepares the stream; nothing is read until it is pulled. */
  async prepare(query: RegisterExportQueryDto, principal: Principal): Promise<RegisterExport> {
    const named = query.organisationId ? await this.organisations.findById(query.organisationId) : undefined;
    const decision = decideReadScope(principal, { organisationId: query.organisationId }, named);
    if (!decision.ok) throw new NotFoundError('Organisation', query.organisationId);
    const period = reportPeriod(query.from, query.to);
    if (!period) {
      throw new ValidationFailedError('The period is empty: `to` must be after `from`', [
        { field: 'to', message: 'must be after from', code: 'period-order' },
      ]);
    }
    const format = query.format ?? 'csv';
    const kind = query.kind;
    const body = this.registry.chunks(kind, format, { scope: decision.scope, ...period });
    const lastDay = chinaDate(new Date(period.to.getTime() - 1));
    const filename = `register-${kind}-${chinaDate(period.from)}-${lastDay}.${format}`;
    async function* chunks(): AsyncGenerator<string | Buffer, void, undefined> {
      if (format === 'csv') yield (query.bom ? UTF8_BOM : '') + csvHeader(kind);
      yield* body;
    }
    return {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      filename,
      chunks: chunks(),
    };
  }
}
