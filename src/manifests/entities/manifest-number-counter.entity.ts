import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last serial issued per sending city and year: a row lock keeps numbers gap-free. */
@Entity('manifest_number_counters')
export class ManifestNumberCounter {
  @PrimaryColumn({ type: 'char', length: 4 })
  cityCode!: string;

  @PrimaryColumn({ type: 'smallint' })
  year!: number;

  @Column({ type: 'integer' })
  lastSerial!: number;
}
