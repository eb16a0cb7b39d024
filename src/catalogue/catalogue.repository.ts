import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogueEdition } from './entities/catalogue-edition.entity';
import { MedicalWasteClass } from './entities/medical-waste-class.entity';
import { OperationCode } from './entities/operation-code.entity';
import { WasteCategory } from './entities/waste-category.entity';
import { WasteCode } from './entities/waste-code.entity';

export interface CatalogueSnapshot {
  editions: CatalogueEdition[];
  categories: WasteCategory[];
  codes: WasteCode[];
  medicalClasses: MedicalWasteClass[];
  operationCodes: OperationCode[];
}

@Injectable()
export class CatalogueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The whole reference catalogue (a few hundred rows per edition). */
  async loadAll(): Promise<CatalogueSnapshot> {
    const m = this.dataSource.manager;
    const [editions, categories, codes, medicalClasses, operationCodes] = await Promise.all([
      m.find(CatalogueEdition, { order: { effectiveFrom: 'ASC' } }),
      m.find(WasteCategory, { order: { category: 'ASC' } }),
      m.find(WasteCode, { order: { code: 'ASC' } }),
      m.find(MedicalWasteClass, { order: { hwCode: 'ASC' } }),
      m.find(OperationCode, { order: { scheme: 'ASC', position: 'ASC' } }),
    ]);
    return { editions, categories, codes, medicalClasses, operationCodes };
  }
}
