import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Lot } from '../../lots/entities/lot.entity';
import { Manifest } from './manifest.entity';

export const LINE_DECISIONS = ['ACCEPTED', 'PARTIALLY_REJECTED', 'REJECTED'] as const;

/** One lot on a manifest: what was declared, then what was received, accepted and treated. */
@Entity('manifest_lines')
export class ManifestLine {
  @PrimaryColumn({ type: 'uuid' })
  manifestId!: string;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'fk_manifest_lines_manifest' })
  manifest?: Manifest;

  @PrimaryColumn({ type: 'smallint' })
  lineNo!: number;

  @Index('ix_manifest_lines_lot_id')
  @Column({ type: 'uuid' })
  lotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lot_id', foreignKeyConstraintName: 'fk_manifest_lines_lot' })
  lot?: Lot;

  @Index('ix_manifest_lines_waste_code')
  @Column({ type: 'varchar', length: 16 })
  wasteCode!: string;

  /** 'g' or 'pcs' (the lot's base unit). */
  @Column({ type: 'varchar', length: 3 })
  unit!: string;

  @Column({ type: 'bigint' })
  declaredQuantity!: string;

  @Column({ type: 'integer' })
  declaredContainers!: number;

  @Column({ type: 'varchar', length: 40, nullable: true })
  hazard!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  physicalForm!: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  packaging!: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  unNumber!: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  dangerousGoodsClass!: string | null;

  @Column({ type: 'bigint', nullable: true })
  receivedQuantity!: string | null;

  @Column({ type: 'integer', nullable: true })
  receivedContainers!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  receivedWasteCode!: string | null;

  @Column({ type: 'enum', enum: LINE_DECISIONS, enumName: 'manifest_line_decision', nullable: true })
  decision!: (typeof LINE_DECISIONS)[number] | null;

  @Column({ type: 'bigint', nullable: true })
  acceptedQuantity!: string | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  operationCode!: string | null;

  @Column({ type: 'bigint', nullable: true })
  treatedQuantity!: string | null;

  /** The return or onward manifest now carrying this line's rejected waste. */
  @Column({ type: 'uuid', nullable: true })
  followUpManifestId!: string | null;
}
