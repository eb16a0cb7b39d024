import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/http/field-decorators';
import type { RuleProfile } from '../domain/rule-profile';

export class ActiveProfileQueryDto {
  @ApiPropertyOptional({ description: 'Regime code', default: 'CN', example: 'CN' })
  @IsOptional()
  @Matches(/^[A-Z]{2,10}$/, { message: 'regime must be 2 to 10 capital letters' })
  regime?: string;

  @ApiPropertyOptional({ description: 'The day (China calendar date); default today', example: '2026-06-01' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class RuleProfileResponseDto {
  @ApiProperty({ example: 'cn-default-2022' }) id!: string;
  @ApiProperty({ example: 'CN' }) regime!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'First day in force (inclusive)' }) effectiveFrom!: string;
  @ApiProperty({ nullable: true, type: String, description: 'First day no longer in force; null: open-ended' })
  effectiveTo!: string | null;
  @ApiProperty({
    type: Object,
    description:
      'Per rule id: enabled, action (BLOCK, FLAG, REPORT), severity (and warningSeverity / escalatedSeverity), thresholds',
  })
  rules!: RuleProfile['rules'];

  static from(p: RuleProfile): RuleProfileResponseDto {
    return {
      id: p.id,
      regime: p.regime,
      name: p.name,
      effectiveFrom: p.effectiveFrom,
      effectiveTo: p.effectiveTo,
      rules: p.rules,
    };
  }
}
