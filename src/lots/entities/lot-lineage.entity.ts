import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LineageKind } from '../domain/lot-attributes';
import { Lot } from './lot.entity';

/**
 * One edge of the lineage DAG: `quantity` base units of the parent went into the child.
 * A split has one parent and many children; a merge many parents and one child. Append-only
 * (a trigger refuses UPDATE, DELETE and TRUNCATE).
 */
@Entity('lot_lineage')
@Index('ix_lot_lineage_child_lot_id', ['childLotId'])
export class LotLineage {
  @PrimaryColumn({ type: 'uuid' })
  parentLotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_lot_id', foreignKeyConstraintName: 'fk_lot_lineage_parent_lot' })
  parentLot?: Lot;

  @PrimaryColumn({ type: 'uuid' })
  childLotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'child_lot_id', foreignKeyConstraintName: 'fk_lot_lineage_child_lot' })
  childLot?: Lot;

  @Column({ type: 'enum', enum: LineageKind, enumName: 'lineage_kind' })
  kind!: LineageKind;

  /** Base units (the unit of both lots). */
  @Column({ type: 'bigint' })
  quantity!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
