import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { FactsLoader } from './facts/facts.loader';
import { FactsRepository } from './facts/facts.repository';
import { LotsChangedHandler } from './jobs/lots-changed.handler';
import { ManifestsChangedHandler } from './jobs/manifests-changed.handler';
import { RunBatchHandler } from './jobs/run-batch.handler';
import { RunPlanHandler } from './jobs/run-plan.handler';
import { SweepHandler } from './jobs/sweep.handler';
import { PlannerService } from './planner.service';
import { ProfilesController } from './profiles.controller';
import { ProfilesRepository } from './profiles.repository';
import { ProfilesService } from './profiles.service';
import { ReconciliationService } from './reconciliation.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';
import { SubjectsRepository } from './subjects.repository';

/**
 * Reconciliation: facts loaded set-based, rules evaluated with the profile in force, flags stored;
 * jobs (lots-changed, manifests-changed, sweep, run-plan, run-batch), full runs and profiles API.
 * The manifests feature plugs its facts in by providing MANIFEST_FACTS_SOURCE.
 */
@Module({
  imports: [FlagsModule],
  controllers: [RunsController, ProfilesController],
  providers: [
    FactsRepository,
    FactsLoader,
    ProfilesRepository,
    ProfilesService,
    SubjectsRepository,
    RunsRepository,
    RunsService,
    ReconciliationService,
    PlannerService,
    LotsChangedHandler,
    ManifestsChangedHandler,
    RunPlanHandler,
    RunBatchHandler,
    SweepHandler,
  ],
  exports: [ReconciliationService, FactsLoader, ProfilesService],
})
export class ReconciliationModule {}
