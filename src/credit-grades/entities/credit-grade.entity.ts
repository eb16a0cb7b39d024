import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { CreditGrade } from '../domain/credit-grade';

/** One environmental credit assessment of an organisation. Append-only: a new grade supersedes, nothing is edited. */
@Entity('credit_grades')
@Index('ix_credit_grades_organisation_id', ['organisationId', 'createdAt', 'id'])
export class CreditGradeEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_credit_grades_organisation' })
  organisation?: Organisation;

  @Column({ type: 'enum', enum: CreditGrade, enumName: 'credit_grade' })
  grade!: CreditGrade;

  /** The assessing authority as printed. */
  @Column({ type: 'varchar', length: 200 })
  issuer!: string;

  @Column({ type: 'date' })
  validFrom!: string;

  /** Inclusive; null when open-ended (until superseded). */
  @Column({ type: 'date', nullable: true })
  validTo!: string | null;

  /** The published decision or list it comes from (document number, URL). */
  @Column({ type: 'varchar', length: 500 })
  sourceDocument!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
