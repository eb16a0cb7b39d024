import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JobPayloads } from '../../queue/job-contracts';
import { HandlesJob, type JobHandler } from '../../queue/job-handler';
import { ReconciliationService } from '../reconciliation.service';

/**
 * `reconciliation.lots-changed`: written by every ledger append in its own transaction. Reconciles
 * the lots, the medical institutions that generated them and the facility months their events
 * touch (in batches of RECONCILIATION_BATCH_SIZE lots, one transaction each).
 */
@Injectable()
@HandlesJob('reconciliation.lots-changed')
export class LotsChangedHandler implements JobHandler<'reconciliation.lots-changed'> {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly config: AppConfig,
  ) {}

  async handle(payload: JobPayloads['reconciliation.lots-changed']) {
    const ids = [...new Set(payload.lotIds ?? [])];
    const size = this.config.RECONCILIATION_BATCH_SIZE;
    let raised = 0;
    let resolved = 0;
    for (let i = 0; i < ids.length; i += size) {
      const outcome = await this.reconciliation.reconcile({ lotIds: ids.slice(i, i + size) }, { expand: true });
      raised += outcome.raised;
      resolved += outcome.resolved;
    }
    return { lots: ids.length, raised, resolved };
  }
}
