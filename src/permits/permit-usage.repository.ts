import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface PermitUsageRecord {
  permitId: string;
  /** When the waste was received or the operation done (its calendar year, China time, is what counts). */
  occurredAt: Date;
  /** Whole grams, > 0. */
  quantityGrams: bigint | number;
  /** What the quantity is, e.g. `manifest:<id>:line:<n>`; (permitId, reference) is unique. */
  reference: string;
}

/**
 * Quantities received or used against permits, for the annual-capacity rule. Features that
 * receive or treat waste call `record` inside their own transaction.
 */
@Injectable()
export class PermitUsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records usage in the caller's transaction. Idempotent per (permitId, reference): returns
   * false (and changes nothing) when that reference was already recorded for the permit.
   */
  async record(manager: EntityManager, usage: PermitUsageRecord): Promise<boolean> {
    const grams = typeof usage.quantityGrams === 'bigint' ? usage.quantityGrams : BigInt(usage.quantityGrams);
    if (grams <= 0n) throw new RangeError('quantityGrams must be a positive whole number of grams');
    if (!usage.reference || usage.reference.length > 200) throw new RangeError('reference must be 1–200 characters');
    const rows: unknown[] = await manager.query(
      `INSERT INTO permit_usage (permit_id, occurred_at, quantity_grams, reference)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (permit_id, reference) DO NOTHING
       RETURNING id`,
      [usage.permitId, usage.occurredAt, grams.toString(), usage.reference],
    );
    return rows.length === 1;
  }

  /** Sum of usage per permit with occurred_at in [from, to). Permits without usage are absent. */
  async totals(
    permitIds: readonly string[],
    from: Date,
    to: Date,
    manager?: EntityManager,
  ): Promise<Map<string, bigint>> {
    if (permitIds.length === 0) return new Map();
    const rows: Array<{ permit_id: string; total: string }> = await (manager ?? this.dataSource.manager).query(
      `SELECT permit_id, sum(quantity_grams)::text AS total
         FROM permit_usage
        WHERE permit_id = ANY($1::uuid[]) AND occurred_at >= $2 AND occurred_at < $3
        GROUP BY permit_id`,
      [permitIds, from, to],
    );
    return new Map(rows.map((r) => [r.permit_id, BigInt(r.total)]));
  }
}
