import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OperationKind } from '../domain/operation';

/**
 * One code of an operation scheme (Chinese licence modes, Chinese utilisation/disposal
 * methods, EU R/D codes). Reference data loaded by migration; a new scheme or revision is
 * a data migration, never a code change.
 */
@Entity('operation_codes')
export class OperationCode {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  scheme!: string;

  @PrimaryColumn({ type: 'varchar', length: 20 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  nameZh!: string;

  @Column({ type: 'varchar', length: 400 })
  nameEn!: string;

  @Column({ type: 'enum', enum: OperationKind, enumName: 'operation_kind' })
  kind!: OperationKind;

  /** EU: an interim operation (R12, R13, D13–D15) that precedes a final one. */
  @Column({ type: 'boolean', default: false })
  interim!: boolean;

  /** Display order within the scheme (R2 before R10). */
  @Column({ type: 'smallint' })
  position!: number;

  /** Where the code and its wording come from, with any caveat. */
  @Column({ type: 'text' })
  source!: string;
}
