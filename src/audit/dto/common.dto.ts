import { ApiProperty } from '@nestjs/swagger';
import { formatMass } from '../../common/quantity/decimal-quantity';

/** An integer amount of base units, with its value in tonnes when it is a mass. */
export class AmountDto {
  @ApiProperty({ description: 'Integer number of base units, as a string (may be negative for a change)' })
  value!: string;
  @ApiProperty({ enum: ['g', 'pcs'] }) unit!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The same mass in tonnes, exact decimal; null for pieces' })
  tonnes!: string | null;

  static of(value: bigint | string, unit: string): AmountDto {
    const v = BigInt(value);
    return { value: v.toString(), unit, tonnes: unit === 'g' ? formatMass(v, 't') : null };
  }
}

/** A mass in grams and tonnes. */
export class MassDto {
  @ApiProperty({ description: 'Grams, integer as a string' }) grams!: string;
  @ApiProperty({ description: 'Tonnes, exact decimal as a string', example: '1.234567' }) tonnes!: string;

  static of(grams: bigint): MassDto {
    return { grams: grams.toString(), tonnes: formatMass(grams, 't') };
  }
}

export class OrganisationRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null when unknown' }) name!: string | null;

  static of(id: string, names: ReadonlyMap<string, string>): OrganisationRefDto {
    return { id, name: names.get(id) ?? null };
  }
}

export class PeriodDto {
  @ApiProperty({ description: 'Start, inclusive (ISO 8601 UTC)' }) from!: string;
  @ApiProperty({ description: 'End, exclusive (ISO 8601 UTC)' }) to!: string;

  static of(p: { from: Date; to: Date }): PeriodDto {
    return { from: p.from.toISOString(), to: p.to.toISOString() };
  }
}
