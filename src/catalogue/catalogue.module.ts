import { Module } from '@nestjs/common';
import { CatalogueController } from './catalogue.controller';
import { CatalogueQueryService } from './catalogue-query.service';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';

@Module({
  controllers: [CatalogueController],
  providers: [CatalogueRepository, CatalogueService, CatalogueQueryService],
  exports: [CatalogueService],
})
export class CatalogueModule {}
