import {
  applyDecorators,
  Injectable,
  Logger,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { concatMap, type Observable } from 'rxjs';
import { isRegulator, type Principal } from '../auth/principal';
import { correlationIdOf, ProblemException } from '../problem/problem-details.filter';
import { RegulatorReadsRepository } from './regulator-reads.repository';

export const REGULATOR_READ_METADATA = 'custody-ledger:regulator-read';

/** Which ids a read returned: a route parameter's name, or a function of the response body. */
export type ReadSubject = string | ((body: unknown, req: Request) => string[]);

interface RegulatorReadSpec {
  resourceType: string;
  subject: ReadSubject;
}

/** For list endpoints answering `{ items: [{ id }] }`: the ids of the page returned. */
export const itemIds = (body: unknown): string[] => {
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.map((i) => String((i as { id?: unknown }).id)) : [];
};

/**
 * Records every successful call a regulator makes to the decorated endpoint in `regulator_reads`
 * (who, what, when) BEFORE the response is sent. If the record cannot be written the read is
 * refused: 503 `regulator-read-not-recorded`, and the data never leaves. Calls by anyone else,
 * and failed calls (which return no data), are not recorded.
 *
 *   @Get(':id') @Allow({ members: true }) @AuditRegulatorRead('lot', 'id')
 *   @Get()      @Allow({ members: true }) @AuditRegulatorRead('lot', itemIds)
 *
 * `subject` names the route parameter holding the id read, or maps the response body to the ids
 * it contains. A streaming endpoint, whose body never passes through here, calls
 * `RegulatorReadsRepository.record` itself before writing the first byte.
 */
export const AuditRegulatorRead = (resourceType: string, subject: ReadSubject = 'id') =>
  applyDecorators(
    SetMetadata(REGULATOR_READ_METADATA, { resourceType, subject } satisfies RegulatorReadSpec),
    UseInterceptors(RegulatorReadInterceptor),
    ApiServiceUnavailableResponse({
      description:
        'regulator-read-not-recorded: a regulator’s read could not be recorded in the audit log, so it was refused',
    }),
  );

@Injectable()
export class RegulatorReadInterceptor implements NestInterceptor {
  private readonly logger = new Logger('RegulatorReads');

  constructor(
    private readonly reflector: Reflector,
    private readonly reads: RegulatorReadsRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<RegulatorReadSpec | undefined>(REGULATOR_READ_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = req.principal;
    if (!spec || !principal || !isRegulator(principal)) return next.handle();
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        const ids = typeof spec.subject === 'string' ? [String(req.params[spec.subject])] : spec.subject(body, req);
        try {
          await this.reads.record({
            regulatorOrganisationId: principal.organisationId,
            memberId: principal.memberId,
            actor: principal.actor,
            resourceType: spec.resourceType,
            resourceIds: ids,
            route: `${req.method} ${routeOf(req)}`,
            path: req.originalUrl ?? req.url,
            requestId: correlationIdOf(req) ?? null,
          });
        } catch (error) {
          this.logger.error(
            { err: error, correlationId: correlationIdOf(req) },
            'regulator read not recorded: read refused',
          );
          throw new ProblemException(
            503,
            'regulator-read-not-recorded',
            'Reads by regulators are recorded before they are answered, and the record could not be written just now; ' +
              'the read was refused. Try again shortly.',
          );
        }
        return body;
      }),
    );
  }
}

function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return `${req.baseUrl ?? ''}${typeof route?.path === 'string' ? route.path : req.path}`;
}
