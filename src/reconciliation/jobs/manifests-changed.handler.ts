import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JobPayloads } from '../../queue/job-contracts';
import { HandlesJob, type JobHandler } from '../../queue/job-handler';
import { ReconciliationService } from '../reconciliation.service';

/**
 * `reconciliation.manifests-changed`: written by the manifests feature in the transaction of a
 * state change. Reconciles the manifests through the registered ManifestFactsSource (without one,
 * manifests have no facts and nothing is judged). Their lots have their own lots-changed jobs.
 */
@Injectable()
@HandlesJob('reconciliation.manifests-changed')
export class ManifestsChangedHandler implements JobHandler<'reconciliation.manifests-changed'> {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly config: AppConfig,
  ) {}

  async handle(payload: JobPayloads['reconciliation.manifests-changed']) {
    const ids = [...new Set(payload.manifestIds ?? [])];
    const size = this.config.RECONCILIATION_BATCH_SIZE;
    let raised = 0;
    let resolved = 0;
    for (let i = 0; i < ids.length; i += size) {
      const outcome = await this.reconciliation.reconcile({ manifestIds: ids.slice(i, i + size) });
      raised += outcome.raised;
      resolved += outcome.resolved;
    }
    return { manifests: ids.length, raised, resolved };
  }
}
