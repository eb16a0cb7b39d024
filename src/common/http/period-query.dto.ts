import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsPeriodBound } from './field-decorators';

/** `from` and `to` of a reporting period, as every period query takes them (common/time/report-period). */
export class PeriodBoundsQueryDto {
  @ApiPropertyOptional({
    description:
      'Start of the period: a China calendar date (YYYY-MM-DD, from 00:00 China time) or an ISO 8601 instant with a zone. Default: 1 January of the current year (China time).',
    example: '2024-01-01',
  })
  @IsOptional()
  @IsPeriodBound()
  from?: string;

  @ApiPropertyOptional({
    description:
      'End of the period: a China calendar date (inclusive, to 24:00 China time) or an ISO 8601 instant (exclusive). Default: 31 December of the year of `from`.',
    example: '2024-12-31',
  })
  @IsOptional()
  @IsPeriodBound()
  to?: string;
}
