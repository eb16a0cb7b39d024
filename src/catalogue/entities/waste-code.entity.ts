import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CatalogueEdition } from './catalogue-edition.entity';

@Entity('waste_codes')
@Index('ix_waste_codes_edition_category', ['editionId', 'category'])
@Index('ix_waste_codes_code', ['code'])
export class WasteCode {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  editionId!: string;

  @ManyToOne(() => CatalogueEdition, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'edition_id', foreignKeyConstraintName: 'fk_waste_codes_edition' })
  edition?: CatalogueEdition;

  /** NNN-NNN-NN. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  code!: string;

  @Column({ type: 'varchar', length: 8 })
  category!: string;

  /** 行业来源, as printed; the first three digits of the code are the industry. */
  @Column({ type: 'varchar', length: 200 })
  industrySourceZh!: string;

  @Column({ type: 'text' })
  descriptionZh!: string;

  /** As printed (ASCII comma): `T,I` first certain, others possible; `T/In` one or more. */
  @Column({ type: 'varchar', length: 20 })
  hazardRaw!: string;

  @Column({ type: 'varchar', length: 40 })
  hazardMode!: string;

  @Column({ type: 'text', array: true })
  hazardListed!: string[];

  @Column({ type: 'text', array: true })
  hazardCertain!: string[];

  /** For HW01 codes: the medical-waste class (INFECTIOUS, SHARPS, …). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  medicalClass!: string | null;
}
