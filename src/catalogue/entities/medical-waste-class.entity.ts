import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CatalogueEdition } from './catalogue-edition.entity';

@Entity('medical_waste_classes')
export class MedicalWasteClass {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  editionId!: string;

  @ManyToOne(() => CatalogueEdition, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'edition_id', foreignKeyConstraintName: 'fk_medical_waste_classes_edition' })
  edition?: CatalogueEdition;

  @PrimaryColumn({ type: 'varchar', length: 20 })
  classCode!: string;

  @Column({ type: 'varchar', length: 100 })
  nameZh!: string;

  @Column({ type: 'varchar', length: 100 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 16 })
  hwCode!: string;

  @Column({ type: 'text' })
  examplesZh!: string;
}
