import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** Tonnage statistics (底数) and medical-waste collection coverage. */
@Module({ controllers: [StatsController], providers: [StatsRepository, StatsService] })
export class StatsModule {}
