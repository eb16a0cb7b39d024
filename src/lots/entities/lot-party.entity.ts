import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LotPartyRole } from '../../ledger/domain/ledger-types';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { Lot } from './lot.entity';

/**
 * Every organisation that is or was a party to a lot: its generator, each custodian, and
 * (inserted by manifests) each party to a manifest carrying it. Maintained on append, so a
 * tenancy check is one index lookup. Rows are never removed.
 */
@Entity('lot_parties')
@Index('ix_lot_parties_organisation_lot', ['organisationId', 'lotId'])
@Index('ix_lot_parties_region_lot', ['regionCode', 'lotId'])
export class LotParty {
  @PrimaryColumn({ type: 'uuid' })
  lotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lot_id', foreignKeyConstraintName: 'fk_lot_parties_lot' })
  lot?: Lot;

  @PrimaryColumn({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_lot_parties_organisation' })
  organisation?: Organisation;

  /** The party's region code when it joined: regulators see lots with a party in their jurisdiction. */
  @Column({ type: 'varchar', length: 6 })
  regionCode!: string;

  /** How it first became a party. */
  @Column({ type: 'enum', enum: LotPartyRole, enumName: 'lot_party_role' })
  role!: LotPartyRole;

  @Column({ type: 'timestamptz', precision: 3 })
  since!: Date;
}
