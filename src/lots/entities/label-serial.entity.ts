import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';

/** Last issued serial of HJ 1276 label IDs per organisation, waste code and day (China time). */
@Entity('label_serials')
export class LabelSerial {
  @PrimaryColumn({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_label_serials_organisation' })
  organisation?: Organisation;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  wasteCode!: string;

  @PrimaryColumn({ type: 'date' })
  serialDate!: string;

  @Column({ type: 'integer' })
  lastSerial!: number;
}
