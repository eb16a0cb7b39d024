import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { BaseUnit, EventType, LotStatus, QuantityMethod } from '../../src/ledger/domain/ledger-types';
import { LedgerWriter } from '../../src/ledger/ledger-writer';

export interface BulkLotSpec {
  generatorId: string;
  /** Generation time (occurredAt of the genesis event). */
  occurredAt: Date;
  grams?: number;
  wasteCode?: string;
  wasteCategory?: string;
}

/**
 * Registers many lots fast through the ledger engine itself (LedgerWriter.openLot: real hashes,
 * the ledger's triggers and constraints), `concurrency` statements at a time, without outbox rows
 * (as a bulk import would): a full reconciliation run, or the sweep, picks them up.
 */
export async function bulkLots(app: INestApplicationContext, specs: readonly BulkLotSpec[], concurrency = 16) {
  const writer = app.get(LedgerWriter);
  const ids: string[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= specs.length) return;
      const s = specs[i];
      const id = randomUUID();
      const grams = BigInt(s.grams ?? 1000);
      await writer.openLot(
        null,
        {
          id,
          labelCode: `BULK-${id}`,
          labelCodeIssued: false,
          wasteCode: s.wasteCode ?? '900-041-49',
          wasteCategory: s.wasteCategory ?? 'HW49',
          catalogueEditionId: 'CN-HW-2021',
          medicalClass: null,
          identificationRef: null,
          quantity: grams,
          quantityUnit: BaseUnit.GRAM,
          quantityMethod: QuantityMethod.WEIGHED,
          physicalForm: 'SOLID',
          packagingType: 'DRUM',
          containerCount: 1,
          generatorOrganisationId: s.generatorId,
          status: LotStatus.ACTIVE,
          createdBy: 'test:bulk',
        },
        {
          type: EventType.GENERATED,
          occurredAt: s.occurredAt,
          payload: {
            wasteCode: s.wasteCode ?? '900-041-49',
            quantity: { amount: grams.toString(), unit: 'g' },
            handlerName: 'bulk',
          },
        },
        { actor: { organisationId: s.generatorId, memberId: null, actor: 'test:bulk' }, outbox: false },
      );
      ids[i] = id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
