import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Flag } from './flag.entity';

/** The history of a flag: raised, updated (severity change), acknowledged, commented, resolved. Append-only. */
@Entity('flag_events')
export class FlagEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Index('ix_flag_events_flag_id')
  @Column({ type: 'uuid' })
  flagId!: string;

  @ManyToOne(() => Flag, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'flag_id', foreignKeyConstraintName: 'fk_flag_events_flag' })
  flag?: Flag;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail!: unknown;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  at!: Date;
}
