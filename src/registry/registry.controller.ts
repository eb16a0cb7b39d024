import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { READER_ROLES } from '../common/auth/read-scope';
import { ProblemException } from '../common/problem/problem-details.filter';
import { RegisterExportQueryDto } from './dto/register-export.dto';
import { streamToResponse } from './http-stream';
import { RegistryService } from './registry.service';

/** Exports hold a database connection each while they stream: at most this many per process. */
export const MAX_CONCURRENT_EXPORTS = 4;

/** Regulator-facing reads: the subject is `organisationId` (or the regulator's jurisdiction). */
@ApiTags('registry')
@Controller('v1/registry')
export class RegistryController {
  private readonly logger = new Logger(RegistryController.name);
  private running = 0;

  constructor(private readonly registry: RegistryService) {}

  @Get('export')
  @Allow({ platformAdmin: true, memberRoles: READER_ROLES })
  @ApiOperation({
    summary: 'Stream a register (台账) as CSV (RFC 4180, optional UTF-8 BOM) or NDJSON, in constant memory',
    description:
      'incoming (received as consignee), outgoing (sent as consignor), transported (carried as carrier) or treated (treated or disposed of), over a period (default: the current calendar year, China time). A party exports its own register; a regulator an organisation in its jurisdiction or the whole jurisdiction. Columns: docs/audit.md.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The register, streamed (chunked)' })
  @ApiNotFoundResponse({ description: 'An organisation the caller may not read' })
  async export(
    @Query() query: RegisterExportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    if (this.running >= MAX_CONCURRENT_EXPORTS) {
      res.setHeader('Retry-After', '5');
      throw new ProblemException(429, 'too-many-exports', 'Too many register exports are running; retry shortly');
    }
    this.running++;
    try {
      const exported = await this.registry.prepare(query, principal);
      res.status(200);
      res.setHeader('Content-Type', exported.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${exported.filename}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      const outcome = await streamToResponse(exported.chunks, res);
      if (!outcome.completed) {
        this.logger.warn({ kind: query.kind, bytes: outcome.bytes }, 'register export ended early');
      }
    } finally {
      this.running--;
    }
  }
}
