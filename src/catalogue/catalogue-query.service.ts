import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { decodeCursor, pageLimit, toPage } from '../common/pagination/cursor';
import { chinaDate } from '../common/time/china-date';
import { CatalogueService, IDENTIFIED_CODE, type CatalogueIndex, type EditionChoice } from './catalogue.service';
import {
  CategoryListDto,
  EditionDto,
  EditionListDto,
  EditionQueryDto,
  ListOperationCodesQueryDto,
  ListWasteCodesQueryDto,
  MedicalClassDto,
  MedicalClassListDto,
  OperationCodeDto,
  OperationCodeListDto,
  WasteCodeDetailDto,
  WasteCodeDto,
  WasteCodePageDto,
} from './dto/catalogue.dto';
import type { WasteCategory } from './entities/waste-category.entity';
import type { WasteCode } from './entities/waste-code.entity';

/** Read API over the in-memory catalogue: waste codes, categories, medical classes, editions, operation codes. */
@Injectable()
export class CatalogueQueryService {
  constructor(private readonly catalogue: CatalogueService) {}

  async listCodes(query: ListWasteCodesQueryDto): Promise<WasteCodePageDto> {
    const index = await this.catalogue.index();
    const choice = this.chooseEdition(index, query);
    const editionId = choice.edition.id;
    const after = decodeCursor(query.cursor);
    if (after && after.id !== editionId) {
      throw new ValidationFailedError('The cursor belongs to another edition', [
        { field: 'cursor', message: 'not a cursor of this edition' },
      ]);
    }
    const limit = pageLimit(query);
    const industryCode = query.industry && /^\d{3}$/.test(query.industry) ? query.industry : null;
    const rows: WasteCode[] = [];
    for (const c of index.codesOf(editionId)) {
      if (after && c.code <= after.k) continue;
      if (query.category && c.category !== query.category) continue;
      if (query.medicalClass && c.medicalClass !== query.medicalClass) continue;
      if (query.hazard) {
        const pool = query.hazardCertain ? c.hazardCertain : c.hazardListed;
        if (!pool.includes(query.hazard)) continue;
      }
      if (query.q && !c.descriptionZh.includes(query.q.trim())) continue;
      if (query.industry) {
        if (industryCode ? !c.code.startsWith(industryCode) : c.industrySourceZh !== query.industry.trim()) continue;
      }
      rows.push(c);
      if (rows.length > limit) break;
    }
    const categories = categoryMap(index.categoriesOf(editionId));
    const page = toPage(
      rows,
      limit,
      (c) => ({ k: c.code, id: editionId }),
      (c) => WasteCodeDto.from(c, categories.get(c.category)),
    );
    return { edition: EditionDto.from(choice.edition, choice.inForce), ...page };
  }

  async getCode(code: string, query: EditionQueryDto): Promise<WasteCodeDetailDto> {
    if (!/^\d{3}-\d{3}-\d{2}$/.test(code)) {
      throw new ValidationFailedError('A waste code is written NNN-NNN-NN', [
        { field: 'code', message: 'code must be NNN-NNN-NN, e.g. 900-041-49' },
      ]);
    }
    const index = await this.catalogue.index();
    const choice = this.chooseEdition(index, query);
    const entry = index.code(choice.edition.id, code);
    if (!entry) {
      if (IDENTIFIED_CODE.test(code)) {
        throw new NotFoundError(
          `Waste code ${code} (900-000-XX: identified by testing, not listed; accepted on lots only with an identification reference)`,
        );
      }
      throw new NotFoundError('Waste code', `${code} in edition ${choice.edition.id}`);
    }
    const category = index.categoriesOf(choice.edition.id).find((c) => c.category === entry.category);
    return {
      ...WasteCodeDto.from(entry, category),
      edition: EditionDto.from(choice.edition, choice.inForce),
    };
  }

  async categories(query: EditionQueryDto): Promise<CategoryListDto> {
    const index = await this.catalogue.index();
    const choice = this.chooseEdition(index, query);
    const counts = new Map<string, number>();
    for (const c of index.codesOf(choice.edition.id)) counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
    return {
      edition: EditionDto.from(choice.edition, choice.inForce),
      items: index.categoriesOf(choice.edition.id).map((c) => ({
        category: c.category,
        nameZh: c.nameZh,
        nameEn: c.nameEn,
        codeCount: counts.get(c.category) ?? 0,
      })),
    };
  }

  async medicalClasses(query: EditionQueryDto): Promise<MedicalClassListDto> {
    const index = await this.catalogue.index();
    const choice = this.chooseEdition(index, query);
    return {
      edition: EditionDto.from(choice.edition, choice.inForce),
      items: index.medicalClassesOf(choice.edition.id).map(MedicalClassDto.from),
    };
  }

  async editions(): Promise<EditionListDto> {
    const index = await this.catalogue.index();
    const today = chinaDate();
    return {
      items: index.snapshot.editions.map((e) =>
        EditionDto.from(e, e.effectiveFrom <= today && (e.effectiveTo === null || today < e.effectiveTo)),
      ),
    };
  }

  async operationCodes(query: ListOperationCodesQueryDto): Promise<OperationCodeListDto> {
    const index = await this.catalogue.index();
    if (query.scheme && !index.operationSchemes().includes(query.scheme)) {
      throw new ValidationFailedError(`Unknown operation-code scheme ${query.scheme}`, [
        { field: 'scheme', message: `scheme must be one of ${index.operationSchemes().join(', ')}` },
      ]);
    }
    return { items: index.operationCodes(query.scheme).map(OperationCodeDto.from) };
  }

  private chooseEdition(index: CatalogueIndex, query: EditionQueryDto): EditionChoice {
    if (query.edition !== undefined && query.date !== undefined) {
      throw new ValidationFailedError('Give either edition or date, not both', [
        { field: 'edition', message: 'edition and date are mutually exclusive' },
      ]);
    }
    if (query.edition !== undefined) {
      const edition = index.editionById(query.edition);
      if (!edition) throw new NotFoundError('Catalogue edition', query.edition);
      const today = chinaDate();
      return {
        edition,
        inForce: edition.effectiveFrom <= today && (edition.effectiveTo === null || today < edition.effectiveTo),
      };
    }
    const date = query.date ?? chinaDate();
    const choice = index.editionFor(date);
    if (!choice) throw new NotFoundError(`Catalogue edition in force on ${date}`);
    return choice;
  }
}

function categoryMap(categories: WasteCategory[]): Map<string, WasteCategory> {
  return new Map(categories.map((c) => [c.category, c]));
}
