import { Injectable } from '@nestjs/common';
import { CatalogueRepository, type CatalogueSnapshot } from './catalogue.repository';
import type { CatalogueEdition } from './entities/catalogue-edition.entity';
import type { MedicalWasteClass } from './entities/medical-waste-class.entity';
import type { OperationCode } from './entities/operation-code.entity';
import type { WasteCategory } from './entities/waste-category.entity';
import type { WasteCode } from './entities/waste-code.entity';

/** `900-000-XX`: a waste identified as hazardous by testing (名录 Art 6), XX its category. */
export const IDENTIFIED_CODE = /^900-000-(\d{2})$/;
export const WASTE_CODE = /^\d{3}-\d{3}-\d{2}$/;

export type CodeResolution =
  | {
      ok: true;
      edition: CatalogueEdition;
      /**
       * False when the date is past the end of the latest loaded edition (its successor is not
       * loaded yet): the code was checked against that latest edition, provisionally.
       */
      editionInForce: boolean;
      code: WasteCode | null;
      category: string;
      identified: boolean;
    }
  | { ok: false; reason: 'malformed' | 'no-edition' | 'unknown-code' | 'identification-required' | 'unknown-category' };

/**
 * Read side of the waste catalogue. Reference data never changes after its migration, so the
 * whole catalogue is loaded once per process and answered from memory.
 */
@Injectable()
export class CatalogueService {
  private snapshot?: Promise<CatalogueIndex>;

  constructor(private readonly repository: CatalogueRepository) {}

  index(): Promise<CatalogueIndex> {
    this.snapshot ??= this.repository.loadAll().then((s) => new CatalogueIndex(s));
    this.snapshot.catch(() => (this.snapshot = undefined));
    return this.snapshot;
  }

  /**
   * Validates a waste code against the edition in force on `onDate` (YYYY-MM-DD, China time) —
   * or, when the latest loaded edition has ended and its successor is not loaded yet, against
   * that latest edition with `editionInForce: false`, so that the ledger keeps working and the
   * record says which list it was checked against. `900-000-XX` is accepted only with an
   * identification reference.
   */
  async resolve(code: string, onDate: string, identificationRef?: string | null): Promise<CodeResolution> {
    return (await this.index()).resolve(code, onDate, identificationRef);
  }
}

/** The edition answering for a date, and whether it is actually in force then. */
export interface EditionChoice {
  edition: CatalogueEdition;
  /** False when the latest loaded edition ended before the date (a later edition is not loaded yet). */
  inForce: boolean;
}

export class CatalogueIndex {
  private readonly byEdition = new Map<string, Map<string, WasteCode>>();
  private readonly categoriesByEdition = new Map<string, Set<string>>();
  private readonly sortedCodes = new Map<string, WasteCode[]>();
  private readonly allCodes = new Set<string>();
  private readonly allCategories = new Set<string>();

  constructor(readonly snapshot: CatalogueSnapshot) {
    for (const c of snapshot.codes) {
      let codes = this.byEdition.get(c.editionId);
      if (!codes) this.byEdition.set(c.editionId, (codes = new Map()));
      codes.set(c.code, c);
      this.allCodes.add(c.code);
    }
    for (const [editionId, codes] of this.byEdition) {
      this.sortedCodes.set(
        editionId,
        [...codes.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
      );
    }
    for (const c of snapshot.categories) {
      let set = this.categoriesByEdition.get(c.editionId);
      if (!set) this.categoriesByEdition.set(c.editionId, (set = new Set()));
      set.add(c.category);
      this.allCategories.add(c.category);
    }
  }

  editionById(id: string): CatalogueEdition | undefined {
    return this.snapshot.editions.find((e) => e.id === id);
  }

  /**
   * The edition in force on a date; when none is (the last loaded edition has ended and its
   * successor is not loaded yet), the latest edition that started before the date, marked
   * not in force. Undefined before the first edition.
   */
  editionFor(onDate: string, scheme = 'CN_HW'): EditionChoice | undefined {
    const inForce = this.editionOn(onDate, scheme);
    if (inForce) return { edition: inForce, inForce: true };
    const earlier = this.snapshot.editions
      .filter((e) => e.scheme === scheme && e.effectiveFrom <= onDate)
      .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
    return earlier ? { edition: earlier, inForce: false } : undefined;
  }

  /** The codes of an edition in code order. */
  codesOf(editionId: string): readonly WasteCode[] {
    return this.sortedCodes.get(editionId) ?? [];
  }

  categoriesOf(editionId: string): WasteCategory[] {
    return this.snapshot.categories.filter((c) => c.editionId === editionId);
  }

  medicalClassesOf(editionId: string): MedicalWasteClass[] {
    return this.snapshot.medicalClasses.filter((c) => c.editionId === editionId);
  }

  operationCodes(scheme?: string): OperationCode[] {
    return scheme ? this.snapshot.operationCodes.filter((o) => o.scheme === scheme) : this.snapshot.operationCodes;
  }

  operationSchemes(): string[] {
    return [...new Set(this.snapshot.operationCodes.map((o) => o.scheme))];
  }

  /** True when the code is listed in any loaded edition (for scopes that outlive one edition). */
  isListedInAnyEdition(code: string): boolean {
    return this.allCodes.has(code);
  }

  /** True when the category (HWnn) exists in any loaded edition. */
  isCategoryInAnyEdition(category: string): boolean {
    return this.allCategories.has(category);
  }

  /** The edition of a scheme in force on a date (effectiveFrom inclusive, effectiveTo exclusive). */
  editionOn(onDate: string, scheme = 'CN_HW'): CatalogueEdition | undefined {
    return this.snapshot.editions.find(
      (e) => e.scheme === scheme && e.effectiveFrom <= onDate && (e.effectiveTo === null || onDate < e.effectiveTo),
    );
  }

  code(editionId: string, code: string): WasteCode | undefined {
    return this.byEdition.get(editionId)?.get(code);
  }

  resolve(code: string, onDate: string, identificationRef?: string | null): CodeResolution {
    if (!WASTE_CODE.test(code)) return { ok: false, reason: 'malformed' };
    const choice = this.editionFor(onDate);
    if (!choice) return { ok: false, reason: 'no-edition' };
    const { edition, inForce: editionInForce } = choice;
    const identified = IDENTIFIED_CODE.exec(code);
    if (identified) {
      const category = `HW${identified[1]}`;
      if (!this.categoriesByEdition.get(edition.id)?.has(category)) return { ok: false, reason: 'unknown-category' };
      if (!identificationRef?.trim()) return { ok: false, reason: 'identification-required' };
      return { ok: true, edition, editionInForce, code: null, category, identified: true };
    }
    const entry = this.code(edition.id, code);
    if (!entry) return { ok: false, reason: 'unknown-code' };
    return { ok: true, edition, editionInForce, code: entry, category: entry.category, identified: false };
  }
}
