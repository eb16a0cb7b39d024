import { Injectable } from '@nestjs/common';
import { CatalogueRepository, type CatalogueSnapshot } from './catalogue.repository';
import type { CatalogueEdition } from './entities/catalogue-edition.entity';
import type { WasteCode } from './entities/waste-code.entity';

/** `900-000-XX`: a waste identified as hazardous by testing (名录 Art 6), XX its category. */
export const IDENTIFIED_CODE = /^900-000-(\d{2})$/;
export const WASTE_CODE = /^\d{3}-\d{3}-\d{2}$/;

export type CodeResolution =
  | { ok: true; edition: CatalogueEdition; code: WasteCode | null; category: string; identified: boolean }
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
   * Validates a waste code against the edition in force on `onDate` (YYYY-MM-DD, China time).
   * `900-000-XX` is accepted only with an identification reference.
   */
  async resolve(code: string, onDate: string, identificationRef?: string | null): Promise<CodeResolution> {
    return (await this.index()).resolve(code, onDate, identificationRef);
  }
}

export class CatalogueIndex {
  private readonly byEdition = new Map<string, Map<string, WasteCode>>();
  private readonly categoriesByEdition = new Map<string, Set<string>>();

  constructor(readonly snapshot: CatalogueSnapshot) {
    for (const c of snapshot.codes) {
      let codes = this.byEdition.get(c.editionId);
      if (!codes) this.byEdition.set(c.editionId, (codes = new Map()));
      codes.set(c.code, c);
    }
    for (const c of snapshot.categories) {
      let set = this.categoriesByEdition.get(c.editionId);
      if (!set) this.categoriesByEdition.set(c.editionId, (set = new Set()));
      set.add(c.category);
    }
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
    const edition = this.editionOn(onDate);
    if (!edition) return { ok: false, reason: 'no-edition' };
    const identified = IDENTIFIED_CODE.exec(code);
    if (identified) {
      const category = `HW${identified[1]}`;
      if (!this.categoriesByEdition.get(edition.id)?.has(category)) return { ok: false, reason: 'unknown-category' };
      if (!identificationRef?.trim()) return { ok: false, reason: 'identification-required' };
      return { ok: true, edition, code: null, category, identified: true };
    }
    const entry = this.code(edition.id, code);
    if (!entry) return { ok: false, reason: 'unknown-code' };
    return { ok: true, edition, code: entry, category: entry.category, identified: false };
  }
}
