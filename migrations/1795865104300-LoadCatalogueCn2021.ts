import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseHazard } from '../src/catalogue/domain/hazard';

/**
 * Reference data: 《国家危险废物名录（2021年版）》 (467 codes, 46 categories) and the five
 * medical-waste classes of 《医疗废物分类目录（2021年版）》, from migrations/data/cn-2021
 * (copied unchanged from the project's shared reference data; see its README). In force from
 * 2021-01-01 until the 2025 edition (2025-01-01), which will be a further migration.
 */
const EDITION = 'CN-HW-2021';
const DATA = join(__dirname, '..', '..', 'migrations', 'data', 'cn-2021');

const read = (file: string): Record<string, string>[] =>
  parse(readFileSync(join(DATA, file), 'utf8'), { columns: true, skip_empty_lines: true });

export class LoadCatalogueCn20211795865104300 implements MigrationInterface {
  name = 'LoadCatalogueCn20211795865104300';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO catalogue_editions (id, scheme, name, effective_from, effective_to, source) VALUES ($1, 'CN_HW', $2, '2021-01-01', '2025-01-01', $3)`,
      [
        EDITION,
        '国家危险废物名录（2021年版）',
        '生态环境部令第15号 (2020-11-25), https://www.mee.gov.cn/xxgk2018/xxgk/xxgk02/202011/t20201127_810202.html; medical classes: 国卫医函〔2021〕238号',
      ],
    );
    const categories = read('hw-categories-cn-2021.csv');
    await q.query(
      `INSERT INTO waste_categories (edition_id, category, name_zh, name_en)
       SELECT $1, * FROM unnest($2::varchar[], $3::varchar[], $4::varchar[])`,
      [EDITION, categories.map((c) => c.category), categories.map((c) => c.name_zh), categories.map((c) => c.name_en)],
    );
    const classes = read('medical-waste-classes-cn-2021.csv');
    const classOf = new Map(classes.map((c) => [c.hw_code, c.class_code]));
    const codes = read('hw-catalogue-cn-2021.csv');
    const hazards = codes.map((c) => parseHazard(c.hazard_characteristics));
    await q.query(
      `INSERT INTO waste_codes (edition_id, code, category, industry_source_zh, description_zh, hazard_raw, hazard_mode,
                                hazard_listed, hazard_certain, medical_class)
       SELECT $1, code, category, industry, description, raw, mode,
              string_to_array(listed, ','), COALESCE(string_to_array(NULLIF(certain, ''), ','), '{}'), medical
         FROM unnest($2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::varchar[], $7::varchar[], $8::text[], $9::text[], $10::varchar[])
              AS t(code, category, industry, description, raw, mode, listed, certain, medical)`,
      [
        EDITION,
        codes.map((c) => c.code),
        codes.map((c) => c.category),
        codes.map((c) => c.industry_source_zh),
        codes.map((c) => c.description_zh),
        hazards.map((h) => h.raw),
        hazards.map((h) => h.mode),
        hazards.map((h) => h.listed.join(',')),
        hazards.map((h) => h.certain.join(',')),
        codes.map((c) => classOf.get(c.code) ?? null),
      ],
    );
    await q.query(
      `INSERT INTO medical_waste_classes (edition_id, class_code, name_zh, name_en, hw_code, examples_zh)
       SELECT $1, * FROM unnest($2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[])`,
      [
        EDITION,
        classes.map((c) => c.class_code),
        classes.map((c) => c.name_zh),
        classes.map((c) => c.name_en),
        classes.map((c) => c.hw_code),
        classes.map((c) => c.examples_zh),
      ],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['medical_waste_classes', 'waste_codes', 'waste_categories', 'catalogue_editions']) {
      await q.query(`DELETE FROM ${table} WHERE ${table === 'catalogue_editions' ? 'id' : 'edition_id'} = $1`, [EDITION]);
    }
  }
}
