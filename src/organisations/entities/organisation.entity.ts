import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum OrganisationRole {
  GENERATOR = 'GENERATOR',
  TRANSPORTER = 'TRANSPORTER',
  COLLECTOR = 'COLLECTOR',
  STORER = 'STORER',
  TREATER = 'TREATER',
  REGULATOR = 'REGULATOR',
}

@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'enum', enum: OrganisationRole, enumName: 'organisation_role', array: true })
  roles!: OrganisationRole[];

  /** China: the 18-character unified social credit code (GB 32100-2015). */
  @Index('uq_organisations_registration_code', { unique: true })
  @Column({ type: 'varchar', length: 18 })
  registrationCode!: string;

  /** 6-digit administrative division code (GB/T 2260). */
  @Index('ix_organisations_region_code')
  @Column({ type: 'char', length: 6 })
  regionCode!: string;

  /** For a REGULATOR: the region-code prefix it has authority over. */
  @Column({ type: 'varchar', length: 6, nullable: true })
  jurisdictionPrefix!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
