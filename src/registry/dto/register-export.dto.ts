import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { BooleanQuery } from '../../audit/dto/key-units.dto';
import { PeriodBoundsQueryDto } from '../../common/http/period-query.dto';
import { REGISTER_KINDS, type RegisterKind } from '../domain/register-columns';

export class RegisterExportQueryDto extends PeriodBoundsQueryDto {
  @ApiProperty({
    enum: REGISTER_KINDS,
    description:
      'incoming: received as consignee; outgoing: sent as consignor; transported: carried as carrier; treated: treated or disposed of (docs/audit.md lists the columns)',
  })
  @IsIn(REGISTER_KINDS)
  kind!: RegisterKind;

  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format?: 'csv' | 'ndjson';

  @ApiPropertyOptional({
    description: 'CSV: start with a UTF-8 byte-order mark so that Excel reads Chinese text',
    default: false,
  })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  bom?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Whose register. A party: its own (the default). A regulator: an organisation in its jurisdiction, or (omitted) the whole jurisdiction. The platform admin: any, or (omitted) all.',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}
