import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CatalogueEdition } from './catalogue-edition.entity';

@Entity('waste_categories')
export class WasteCategory {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  editionId!: string;

  @ManyToOne(() => CatalogueEdition, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'edition_id', foreignKeyConstraintName: 'fk_waste_categories_edition' })
  edition?: CatalogueEdition;

  /** HW01 … HW50. */
  @PrimaryColumn({ type: 'varchar', length: 8 })
  category!: string;

  @Column({ type: 'varchar', length: 200 })
  nameZh!: string;

  @Column({ type: 'varchar', length: 200 })
  nameEn!: string;
}
