import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference data: operation codes, in three schemes.
 *
 * CN_LICENCE_MODE — the four 经营方式 of a hazardous-waste operating licence
 *   (《危险废物经营许可证管理办法》 Art 10; rules.md §5.1).
 *
 * CN_HW_METHOD — the utilisation (R) and disposal (D) method codes, with the Chinese additions
 *   C1–C3 (cement-kiln co-processing, building materials, container cleaning) and Y10–Y16
 *   (medical-waste treatment), used on Chinese licences, management plans, ledgers and manifests.
 *   rules.md does not list them. They originate in the appendix of 《危险废物经营单位记录和报告经营情况指南》
 *   (环境保护部公告2009年第55号) and are what the national solid-waste information system's forms use.
 *   UNCERTAINTY: we could not retrieve the official text; the list and wording below were
 *   cross-checked only against two independent public software code bases that implement those
 *   forms (identical codes and wording). The kind of C1 (DISPOSAL) and of C2/C3 (RECOVERY) follows
 *   how those forms group them. Codes some systems add locally (e.g. G21–G29) are not loaded.
 *   Check against the official notice before quoting these names as regulation text.
 *
 * EU_WFD — Directive 2008/98/EC Annex I (disposal D1–D15) and Annex II (recovery R1–R13), wording
 *   as consolidated; R12, R13, D13, D14 and D15 are interim operations (they precede a final
 *   one). The Chinese names of EU codes are our translations, not official.
 */
type Row = [scheme: string, code: string, zh: string, en: string, kind: string, interim: boolean, source: string];

const MODE_SOURCE = '危险废物经营许可证管理办法 (国务院令第408号, 2016 revision) Art 10: 经营方式';
const CN_SOURCE =
  '危险废物经营单位记录和报告经营情况指南 (环境保护部公告2009年第55号) appendix, as used on national HW information-system forms [secondary: not checked against the official text]';
const EU_D = 'Directive 2008/98/EC Annex I (disposal operations); Chinese name: our translation';
const EU_R = 'Directive 2008/98/EC Annex II (recovery operations); Chinese name: our translation';

const ROWS: Row[] = [
  ['CN_LICENCE_MODE', 'COLLECTION', '收集', 'Collection', 'COLLECTION', false, MODE_SOURCE],
  ['CN_LICENCE_MODE', 'STORAGE', '贮存', 'Storage', 'STORAGE', false, MODE_SOURCE],
  ['CN_LICENCE_MODE', 'UTILISATION', '利用', 'Utilisation (recovery)', 'RECOVERY', false, MODE_SOURCE],
  ['CN_LICENCE_MODE', 'DISPOSAL', '处置', 'Disposal', 'DISPOSAL', false, MODE_SOURCE],

  ['CN_HW_METHOD', 'R1', '作为燃料（直接燃烧除外）或以其他方式产生能量', 'Use as a fuel (other than direct incineration) or other means to generate energy', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R2', '溶剂回收/再生（如蒸馏、萃取等）', 'Solvent reclamation/regeneration (e.g. distillation, extraction)', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R3', '再循环/再利用不是用作溶剂的有机物', 'Recycling/reclamation of organic substances not used as solvents', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R4', '再循环/再利用金属和金属化合物', 'Recycling/reclamation of metals and metal compounds', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R5', '再循环/再利用其他无机物', 'Recycling/reclamation of other inorganic materials', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R6', '再生酸或碱', 'Regeneration of acids or bases', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R7', '回收污染减除剂的组分', 'Recovery of components used for pollution abatement', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R8', '回收催化剂组分', 'Recovery of components from catalysts', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R9', '废油再提炼或其他废油的再利用', 'Oil re-refining or other reuses of waste oil', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'R15', '其他', 'Other utilisation', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'C2', '生产建筑材料', 'Production of building materials', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'C3', '清洗（包装容器）', 'Cleaning (of packaging and containers)', 'RECOVERY', false, CN_SOURCE],
  ['CN_HW_METHOD', 'D1', '填埋', 'Landfill', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'D9', '物理化学处理（如蒸发、干燥、中和、沉淀等），不包括填埋或焚烧前的预处理', 'Physico-chemical treatment (e.g. evaporation, drying, neutralisation, precipitation), excluding pre-treatment before landfill or incineration', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'D10', '焚烧', 'Incineration', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'D16', '其他', 'Other disposal', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'C1', '水泥窑共处置', 'Co-processing in a cement kiln', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'Y10', '医疗废物焚烧', 'Medical waste: incineration', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'Y11', '医疗废物高温蒸汽处理', 'Medical waste: high-temperature steam treatment', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'Y12', '医疗废物化学消毒处理', 'Medical waste: chemical disinfection', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'Y13', '医疗废物微波消毒处理', 'Medical waste: microwave disinfection', 'DISPOSAL', false, CN_SOURCE],
  ['CN_HW_METHOD', 'Y16', '医疗废物其他处置方式', 'Medical waste: other treatment', 'DISPOSAL', false, CN_SOURCE],

  ['EU_WFD', 'R1', '主要用作燃料或其他产生能量的方式', 'Use principally as a fuel or other means to generate energy', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R2', '溶剂回收/再生', 'Solvent reclamation/regeneration', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R3', '不用作溶剂的有机物的再循环/回收（包括堆肥和其他生物转化过程）', 'Recycling/reclamation of organic substances which are not used as solvents (including composting and other biological transformation processes)', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R4', '金属和金属化合物的再循环/回收', 'Recycling/reclamation of metals and metal compounds', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R5', '其他无机材料的再循环/回收', 'Recycling/reclamation of other inorganic materials', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R6', '酸或碱的再生', 'Regeneration of acids or bases', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R7', '回收用于污染治理的组分', 'Recovery of components used for pollution abatement', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R8', '从催化剂中回收组分', 'Recovery of components from catalysts', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R9', '废油再精炼或油的其他再利用', 'Oil re-refining or other reuses of oil', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R10', '有益于农业或生态改善的土地处理', 'Land treatment resulting in benefit to agriculture or ecological improvement', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R11', '使用由 R1 至 R10 任一作业获得的废物', 'Use of waste obtained from any of the operations numbered R 1 to R 10', 'RECOVERY', false, EU_R],
  ['EU_WFD', 'R12', '为进行 R1 至 R11 任一作业而进行的废物交换（过渡性作业）', 'Exchange of waste for submission to any of the operations numbered R 1 to R 11', 'RECOVERY', true, EU_R],
  ['EU_WFD', 'R13', '在进行 R1 至 R12 任一作业前的废物贮存（不包括产生现场待收集的临时贮存）（过渡性作业）', 'Storage of waste pending any of the operations numbered R 1 to R 12 (excluding temporary storage, pending collection, on the site where the waste is produced)', 'RECOVERY', true, EU_R],
  ['EU_WFD', 'D1', '置于地下或地上（如填埋）', 'Deposit into or on to land (e.g. landfill)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D2', '土地处理（如液态或污泥状废物在土壤中的生物降解）', 'Land treatment (e.g. biodegradation of liquid or sludgy discards in soils)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D3', '深井注入（如将可泵送废物注入井、盐丘或天然储库）', 'Deep injection (e.g. injection of pumpable discards into wells, salt domes or naturally occurring repositories)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D4', '地表蓄存（如将液态或污泥状废物置于坑、池或塘中）', 'Surface impoundment (e.g. placement of liquid or sludgy discards into pits, ponds or lagoons)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D5', '特别设计的填埋场（如置于加盖并相互隔离、与环境隔离的衬层单元中）', 'Specially engineered landfill (e.g. placement into lined discrete cells which are capped and isolated from one another and the environment)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D6', '排入海洋以外的水体', 'Release into a water body except seas/oceans', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D7', '排入海洋，包括海床埋置', 'Release to seas/oceans including sea-bed insertion', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D8', '本附件其他处未列明的生物处理，其最终产物以 D1 至 D12 任一作业处置', 'Biological treatment not specified elsewhere in this Annex which results in final compounds or mixtures which are discarded by means of any of the operations numbered D 1 to D 12', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D9', '本附件其他处未列明的物理化学处理（如蒸发、干燥、煅烧），其最终产物以 D1 至 D12 任一作业处置', 'Physico-chemical treatment not specified elsewhere in this Annex which results in final compounds or mixtures which are discarded by means of any of the operations numbered D 1 to D 12 (e.g. evaporation, drying, calcination)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D10', '陆上焚烧', 'Incineration on land', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D11', '海上焚烧（欧盟法律和国际公约禁止）', 'Incineration at sea (prohibited by EU legislation and international conventions)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D12', '永久贮存（如将容器置于矿井中）', 'Permanent storage (e.g. emplacement of containers in a mine)', 'DISPOSAL', false, EU_D],
  ['EU_WFD', 'D13', '在进行 D1 至 D12 任一作业前的混合（过渡性作业）', 'Blending or mixing prior to submission to any of the operations numbered D 1 to D 12', 'DISPOSAL', true, EU_D],
  ['EU_WFD', 'D14', '在进行 D1 至 D13 任一作业前的重新包装（过渡性作业）', 'Repackaging prior to submission to any of the operations numbered D 1 to D 13', 'DISPOSAL', true, EU_D],
  ['EU_WFD', 'D15', '在进行 D1 至 D14 任一作业前的贮存（不包括产生现场待收集的临时贮存）（过渡性作业）', 'Storage pending any of the operations numbered D 1 to D 14 (excluding temporary storage, pending collection, on the site where the waste is produced)', 'DISPOSAL', true, EU_D],
];

export class LoadOperationCodes1795866000100 implements MigrationInterface {
  name = 'LoadOperationCodes1795866000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO operation_codes (scheme, code, name_zh, name_en, kind, interim, position, source)
       SELECT scheme, code, zh, en, kind::operation_kind, interim, position, source
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::boolean[], $7::smallint[], $8::text[])
              AS t(scheme, code, zh, en, kind, interim, position, source)`,
      [
        ROWS.map((r) => r[0]),
        ROWS.map((r) => r[1]),
        ROWS.map((r) => r[2]),
        ROWS.map((r) => r[3]),
        ROWS.map((r) => r[4]),
        ROWS.map((r) => r[5]),
        ROWS.map((_, i) => i + 1),
        ROWS.map((r) => r[6]),
      ],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM operation_codes WHERE scheme = ANY($1::varchar[])`, [
      ['CN_LICENCE_MODE', 'CN_HW_METHOD', 'EU_WFD'],
    ]);
  }
}
