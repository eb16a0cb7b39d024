import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Lot } from '../../lots/entities/lot.entity';
import { Manifest } from './manifest.entity';

/** A lot on an open manifest. The primary key makes "at most one open manifest per lot" a database fact. */
@Entity('lot_reservations')
export class LotReservation {
  @PrimaryColumn({ type: 'uuid' })
  lotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lot_id', foreignKeyConstraintName: 'fk_lot_reservations_lot' })
  lot?: Lot;

  @Index('ix_lot_reservations_manifest_id')
  @Column({ type: 'uuid' })
  manifestId!: string;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'fk_lot_reservations_manifest' })
  manifest?: Manifest;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
