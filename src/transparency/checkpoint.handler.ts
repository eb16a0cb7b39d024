import { Injectable } from '@nestjs/common';
import type { JobPayloads } from '../queue/job-contracts';
import { HandlesJob, type JobHandler } from '../queue/job-handler';
import { CheckpointService, type CheckpointRun } from './checkpoint.service';

/**
 * The scheduled checkpoint (every CHECKPOINT_INTERVAL_MS, see WorkerModule's schedules). Idempotent:
 * a run with nothing pending signs nothing; two runs at once are serialised by the writer lock.
 */
@Injectable()
@HandlesJob('ledger.checkpoint')
export class CheckpointHandler implements JobHandler<'ledger.checkpoint'> {
  constructor(private readonly checkpoints: CheckpointService) {}

  async handle(_payload: JobPayloads['ledger.checkpoint']): Promise<{ treeSizes: number[]; leaves: number }> {
    const run: CheckpointRun = await this.checkpoints.checkpointPending();
    return { treeSizes: run.signed.map((c) => c.treeSize), leaves: run.leaves };
  }
}
