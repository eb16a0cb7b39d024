import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RuleProfile } from './domain/rule-profile';

/** Rule profiles stored as data (`rule_profiles`). */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every profile, the row's columns overriding the same fields of its body. */
  async all(): Promise<RuleProfile[]> {
    const rows: Array<{
      id: string;
      regime: string;
      name: string;
      effectiveFrom: string;
      effectiveTo: string | null;
      body: RuleProfile;
    }> = await this.dataSource.query(
      `SELECT id, regime, name, effective_from::text AS "effectiveFrom", effective_to::text AS "effectiveTo", body
         FROM rule_profiles ORDER BY regime, effective_from`,
    );
    return rows.map((r) => ({
      ...r.body,
      id: r.id,
      regime: r.regime,
      name: r.name,
      effectiveFrom: r.effectiveFrom,
      effectiveTo: r.effectiveTo,
    }));
  }
}
