import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate, IsPlainText } from '../../common/http/field-decorators';
import { PageMetaDto } from '../../common/pagination/cursor';
import { CreditGrade } from '../domain/credit-grade';
import type { CreditGradeEntry } from '../entities/credit-grade.entity';

export class CreateCreditGradeDto {
  @ApiProperty({
    enum: CreditGrade,
    description: 'GREEN 守法, BLUE 轻微失信, YELLOW 一般失信, BLACK 严重失信 (blacklist)',
  })
  @IsEnum(CreditGrade)
  grade!: CreditGrade;

  @ApiProperty({ example: '聊城市生态环境局', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @IsPlainText()
  issuer!: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  validFrom!: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Inclusive; omit when open-ended' })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string;

  @ApiProperty({ example: '聊环发〔2026〕12号', maxLength: 500, description: 'The published decision or list' })
  @IsString()
  @MaxLength(500)
  @IsPlainText()
  sourceDocument!: string;
}

export class CreditGradeResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ enum: CreditGrade }) grade!: CreditGrade;
  @ApiProperty() issuer!: string;
  @ApiProperty() validFrom!: string;
  @ApiProperty({ nullable: true, type: String }) validTo!: string | null;
  @ApiProperty() sourceDocument!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;

  static from(g: CreditGradeEntry): CreditGradeResponseDto {
    return {
      id: g.id,
      organisationId: g.organisationId,
      grade: g.grade,
      issuer: g.issuer,
      validFrom: g.validFrom,
      validTo: g.validTo,
      sourceDocument: g.sourceDocument,
      createdAt: g.createdAt.toISOString(),
      createdBy: g.createdBy,
    };
  }
}

export class CreditGradePageDto extends PageMetaDto {
  @ApiProperty({
    type: CreditGradeResponseDto,
    nullable: true,
    description: 'The grade in force today (China time): the latest recorded whose validity covers today',
  })
  current!: CreditGradeResponseDto | null;

  @ApiProperty({ type: [CreditGradeResponseDto], description: 'Every grade recorded, oldest first' })
  items!: CreditGradeResponseDto[];
}
