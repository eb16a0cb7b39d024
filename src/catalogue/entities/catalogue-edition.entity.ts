import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One edition of a waste list (e.g. the 2021 national hazardous-waste list). A lot is
 * validated against the edition in force on its generation date; a new edition is a data
 * migration adding rows, never an edit of an old one.
 */
@Entity('catalogue_editions')
export class CatalogueEdition {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  /** Code scheme: CN_HW (8-digit NNN-NNN-NN), later EU_LOW and others. */
  @Column({ type: 'varchar', length: 20 })
  scheme!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'date' })
  effectiveFrom!: string;

  /** Exclusive end; null while in force. */
  @Column({ type: 'date', nullable: true })
  effectiveTo!: string | null;

  @Column({ type: 'text' })
  source!: string;
}
