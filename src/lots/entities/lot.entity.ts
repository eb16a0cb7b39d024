import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CatalogueEdition } from '../../catalogue/entities/catalogue-edition.entity';
import { BaseUnit, LotStatus, QuantityMethod } from '../../ledger/domain/ledger-types';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { PackagingType, PhysicalForm } from '../domain/lot-attributes';

/**
 * A lot: one labelled container or batch of one waste code, and the head of its event chain.
 * Written only by the ledger engine (LedgerWriter), in the same statement or transaction as
 * the events that change it; `head_seq` is the lot's last event and the append lock.
 */
@Entity('lots')
// Cursor order, and the key custody_events references (lot_id, chain_started_at).
@Index('uq_lots_created_at_id', ['createdAt', 'id'], { unique: true })
@Index('ix_lots_custodian_status', ['custodianOrganisationId', 'status'])
@Index('ix_lots_generator_organisation_id', ['generatorOrganisationId'])
@Index('ix_lots_waste_code', ['wasteCode'])
@Index('ix_lots_generated_at', ['generatedAt'])
@Index('ix_lots_catalogue_edition_id', ['catalogueEditionId'])
export class Lot {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** HJ 1276 digital ID on the label (given, or issued by the service). Unique. */
  @Index('uq_lots_label_code', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  labelCode!: string;

  @Column({ type: 'boolean' })
  labelCodeIssued!: boolean;

  @Column({ type: 'varchar', length: 16 })
  wasteCode!: string;

  @Column({ type: 'varchar', length: 8 })
  wasteCategory!: string;

  @Column({ type: 'varchar', length: 40 })
  catalogueEditionId!: string;

  @ManyToOne(() => CatalogueEdition, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'catalogue_edition_id', foreignKeyConstraintName: 'fk_lots_catalogue_edition' })
  catalogueEdition?: CatalogueEdition;

  /** Medical-waste class of an HW01 code (INFECTIOUS, SHARPS, …). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  medicalClass!: string | null;

  /** Identification report for a 900-000-XX code. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  identificationRef!: string | null;

  /** Integer base units (grams or pieces). */
  @Column({ type: 'bigint' })
  quantity!: string;

  @Column({ type: 'enum', enum: BaseUnit, enumName: 'base_unit' })
  quantityUnit!: BaseUnit;

  @Column({ type: 'enum', enum: QuantityMethod, enumName: 'quantity_method' })
  quantityMethod!: QuantityMethod;

  @Column({ type: 'enum', enum: PhysicalForm, enumName: 'physical_form' })
  physicalForm!: PhysicalForm;

  @Column({ type: 'enum', enum: PackagingType, enumName: 'packaging_type' })
  packagingType!: PackagingType;

  @Column({ type: 'integer' })
  containerCount!: number;

  /** The organisation that generated (or, for split and merged lots, created) the lot. */
  @Column({ type: 'uuid' })
  generatorOrganisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'generator_organisation_id', foreignKeyConstraintName: 'fk_lots_generator_organisation' })
  generatorOrganisation?: Organisation;

  @Column({ type: 'uuid' })
  custodianOrganisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'custodian_organisation_id', foreignKeyConstraintName: 'fk_lots_custodian_organisation' })
  custodianOrganisation?: Organisation;

  @Column({ type: 'enum', enum: LotStatus, enumName: 'lot_status' })
  status!: LotStatus;

  /** occurredAt of the lot's first event. */
  @Column({ type: 'timestamptz', precision: 3 })
  generatedAt!: Date;

  /** seq of the last event. */
  @Column({ type: 'integer' })
  headSeq!: number;

  /** SHA-256 of the last event. */
  @Column({ type: 'bytea' })
  headHash!: Buffer;

  /** occurredAt of the last event: the next one may not be earlier. */
  @Column({ type: 'timestamptz', precision: 3 })
  headOccurredAt!: Date;

  /** recordedAt of the first event; also the partition key of the lot's events. */
  @Column({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
