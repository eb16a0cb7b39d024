import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import type { RegulatorReadRow } from '../../common/regulator-reads/regulator-reads.repository';

export class ListRegulatorReadsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only reads by this regulator organisation' })
  @IsOptional()
  @IsUUID()
  regulatorOrganisationId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only reads by this member' })
  @IsOptional()
  @IsUUID()
  memberId?: string;

  @ApiPropertyOptional({ description: 'Only reads of this kind of record', example: 'lot' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[a-z][a-z0-9-]*$/)
  resourceType?: string;

  @ApiPropertyOptional({ description: 'Read at or after (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Read before (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class RegulatorReadResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'When the read was answered (ISO 8601 UTC)' }) at!: string;
  @ApiProperty({ format: 'uuid' }) regulatorOrganisationId!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ example: 'member:0d6c…' }) actor!: string;
  @ApiProperty({ example: 'lot' }) resourceType!: string;
  @ApiProperty({ type: [String], description: 'The ids read (a list page: every id it returned)' })
  resourceIds!: string[];
  @ApiProperty({ example: 'GET /v1/lots/:id/events' }) route!: string;
  @ApiProperty({ description: 'The path as requested, with its query string' }) path!: string;
  @ApiProperty({ nullable: true, type: String, description: 'X-Request-Id of the read' }) requestId!: string | null;

  static from(row: RegulatorReadRow): RegulatorReadResponseDto {
    return {
      id: row.id,
      at: row.createdAt.toISOString(),
      regulatorOrganisationId: row.regulatorOrganisationId,
      memberId: row.memberId,
      actor: row.actor,
      resourceType: row.resourceType,
      resourceIds: [...row.resourceIds],
      route: row.route,
      path: row.path,
      requestId: row.requestId,
    };
  }
}

export class RegulatorReadPageDto extends PageMetaDto {
  @ApiProperty({ type: [RegulatorReadResponseDto] }) items!: RegulatorReadResponseDto[];
}
