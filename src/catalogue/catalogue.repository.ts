import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogueEdition } from './entities/catalogue-edition.entity';
import { MedicalWasteClass } from './entities/medical-waste-class.entity';
import { WasteCategory } from './entities/waste-category.entity';
import { WasteCode } from './entities/waste-code.entity';

export interface CatalogueSnapshot {
  editions: CatalogueEdition[];
  categories: WasteCategory[];
  codes: WasteCode[];
  medicalClasses: MedicalWasteClass[];
}

@Injectable()
export class CatalogueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The whole reference catalogue (a few hundred rows per edition). */
  async loadAll(): Promise<CatalogueSnapshot> {
    const m = this.dataSource.manager;
    const [editions, categories, codes, medicalClasses] = await Promise.all([
      m.find(CatalogueEdition, { order: { effectiveFrom: 'ASC' } }),
      m.find(WasteCategory, { order: { category: 'ASC' } }),
      m.find(WasteCode, { order: { code: 'ASC' } }),
      m.find(MedicalWasteClass, { order: { hwCode: 'ASC' } }),
    ]);
    return { editions, categories, codes, medicalClasses };
  }
}
