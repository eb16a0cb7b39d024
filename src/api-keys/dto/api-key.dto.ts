import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsDateString,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { ApiKeyScope, type ApiKey } from '../entities/api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ format: 'uuid', description: 'The member the key acts for' })
  @IsUUID()
  memberId!: string;

  @ApiProperty({ example: 'truck 鲁P-12345 tablet', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    description: 'ISO 8601 time after which the key stops working',
    example: '2027-12-31T00:00:00Z',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ enum: ApiKeyScope, isArray: true, default: [ApiKeyScope.READ, ApiKeyScope.WRITE] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(ApiKeyScope, { each: true })
  scopes?: ApiKeyScope[];
}

export class ListApiKeysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  memberId?: string;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Non-secret prefix, to recognise the key in logs' }) prefix!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) memberId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organisationId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ApiKeyScope, isArray: true }) scopes!: ApiKeyScope[];
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static from(k: ApiKey): ApiKeyResponseDto {
    return {
      id: k.id,
      prefix: `cl_${k.publicId}`,
      memberId: k.memberId,
      organisationId: k.organisationId,
      name: k.name,
      scopes: k.scopes,
      expiresAt: k.expiresAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
      createdAt: k.createdAt.toISOString(),
    };
  }
}

export class IssuedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({ description: 'The secret key. Shown once: only its hash is stored.' })
  token!: string;
}

export class ApiKeyPageDto extends PageMetaDto {
  @ApiProperty({ type: [ApiKeyResponseDto] }) items!: ApiKeyResponseDto[];
}
