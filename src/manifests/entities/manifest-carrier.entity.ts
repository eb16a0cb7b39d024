import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { Manifest } from './manifest.entity';

/** One carrier leg, in order (联运: several carriers in a row). */
@Entity('manifest_carriers')
export class ManifestCarrier {
  @PrimaryColumn({ type: 'uuid' })
  manifestId!: string;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'fk_manifest_carriers_manifest' })
  manifest?: Manifest;

  /** 0-based order of the leg. */
  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Index('ix_manifest_carriers_organisation_id')
  @Column({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_manifest_carriers_organisation' })
  organisation?: Organisation;

  @Column({ type: 'varchar', length: 20 })
  vehiclePlate!: string;

  /** 营运证件号 of the vehicle. */
  @Column({ type: 'varchar', length: 60 })
  operatingPermitNumber!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  startPoint!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  endPoint!: string | null;
}
