import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { MemberRole, MemberStatus, type Member } from '../entities/member.entity';

export class CreateMemberDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for the platform administrator; an organisation admin may omit it (its own organisation).',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiProperty({ example: '王师傅', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'wang@example.cn' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiProperty({ enum: MemberRole })
  @IsEnum(MemberRole)
  role!: MemberRole;
}

export class ListMembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Platform administrator only; others always see their own organisation',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class MemberResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ enum: MemberRole }) role!: MemberRole;
  @ApiProperty({ enum: MemberStatus }) status!: MemberStatus;
  @ApiProperty() createdAt!: string;

  static from(m: Member): MemberResponseDto {
    return {
      id: m.id,
      organisationId: m.organisationId,
      name: m.name,
      email: m.email,
      role: m.role,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
    };
  }
}

export class MemberPageDto extends PageMetaDto {
  @ApiProperty({ type: [MemberResponseDto] }) items!: MemberResponseDto[];
}
