import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { OrganisationRole, type Organisation } from '../entities/organisation.entity';
import { regionName } from '../domain/region-codes';

export class CreateOrganisationDto {
  @ApiProperty({ example: '聊城市第一人民医院', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: OrganisationRole, isArray: true, example: [OrganisationRole.GENERATOR] })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsEnum(OrganisationRole, { each: true })
  roles!: OrganisationRole[];

  @ApiProperty({
    description: '18-character unified social credit code (GB 32100-2015)',
    example: '91371500MA3C0000X9',
  })
  @IsString()
  @Matches(/^[0-9A-Z]{18}$/, { message: 'registrationCode must be 18 characters 0-9 or A-Z' })
  registrationCode!: string;

  @ApiProperty({ description: '6-digit administrative division code (GB/T 2260)', example: '371502' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'regionCode must be 6 digits' })
  regionCode!: string;

  @ApiPropertyOptional({
    description:
      'REGULATOR only: region-code prefix it has authority over (2, 4 or 6 digits). Defaults to its own division.',
    example: '3715',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(\d{2}|\d{4}|\d{6})$/, { message: 'jurisdictionPrefix must be 2, 4 or 6 digits' })
  jurisdictionPrefix?: string;
}

export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OrganisationRole })
  @IsOptional()
  @IsEnum(OrganisationRole)
  role?: OrganisationRole;

  @ApiPropertyOptional({ description: 'Region-code prefix', example: '3715' })
  @IsOptional()
  @Matches(/^\d{1,6}$/)
  regionPrefix?: string;
}

export class OrganisationResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: OrganisationRole, isArray: true }) roles!: OrganisationRole[];
  @ApiProperty() registrationCode!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ description: 'Name of the administrative division', nullable: true, type: String }) regionName!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) jurisdictionPrefix!: string | null;
  @ApiProperty() createdAt!: string;

  static from(o: Organisation): OrganisationResponseDto {
    return {
      id: o.id,
      name: o.name,
      roles: o.roles,
      registrationCode: o.registrationCode,
      regionCode: o.regionCode,
      regionName: regionName(o.regionCode) ?? null,
      jurisdictionPrefix: o.jurisdictionPrefix,
      createdAt: o.createdAt.toISOString(),
    };
  }
}

export class OrganisationPageDto extends PageMetaDto {
  @ApiProperty({ type: [OrganisationResponseDto] }) items!: OrganisationResponseDto[];
}
