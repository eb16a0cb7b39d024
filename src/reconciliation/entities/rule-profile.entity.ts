import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RuleProfile } from '../domain/rule-profile';

/**
 * A rule profile as data (thresholds, actions, severities), with its effective dates. The profile
 * in force on a day is the one of its regime whose [effective_from, effective_to) covers it, the
 * latest start winning (`profileOn`). Loaded by data migrations; `body` is the whole profile and
 * must pass `validateProfile`.
 */
@Entity('rule_profiles')
@Index('uq_rule_profiles_regime_effective_from', ['regime', 'effectiveFrom'], { unique: true })
export class RuleProfileRow {
  @PrimaryColumn({ type: 'varchar', length: 60 })
  id!: string;

  @Column({ type: 'varchar', length: 10 })
  regime!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'date' })
  effectiveFrom!: string;

  @Column({ type: 'date', nullable: true })
  effectiveTo!: string | null;

  @Column({ type: 'jsonb' })
  body!: RuleProfile;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
