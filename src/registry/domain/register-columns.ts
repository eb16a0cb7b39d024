import { csvRecord } from '../../common/csv/csv';

/**
 * The columns of each register (HJ 1259-2022 §6.3 ledger contents, 危险废物转移管理办法 Art 10–12
 * manifest contents), as data: the SQL selects a column of each key (quantities as integer base
 * units with their `unit`), and the same list is formatted as CSV and NDJSON (`registerCopySql`).
 * Pure.
 */
export const REGISTER_KINDS = ['incoming', 'outgoing', 'transported', 'treated'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

export type ColumnType =
  /** Free text (names, reasons): guarded against spreadsheet formula injection in CSV. */
  | 'text'
  /** Codes and identifiers. */
  | 'code'
  /** An instant: ISO 8601 UTC. */
  | 'time'
  /** A China calendar date derived from the column named in `from`. */
  | 'china-date'
  /** An integer number of base units: written in kg (exact decimal) for grams, as is for pieces. */
  | 'quantity'
  | 'integer';

export interface Column {
  key: string;
  type: ColumnType;
  /** What the column records (zh, as in HJ 1259 / the manifest), for the documentation. */
  zh: string;
  /** For china-date: the time column it is the date of. */
  from?: string;
}

const c = (key: string, type: ColumnType, zh: string, from?: string): Column => ({ key, type, zh, from });

const OWNER = [c('organisation_name', 'text', '台账单位名称'), c('organisation_code', 'code', '统一社会信用代码')];

const LOT = [
  c('line_no', 'integer', '联单行号'),
  c('lot_id', 'code', '批次/容器记录编号'),
  c('label_code', 'code', '危险废物标签数字识别码 (HJ 1276)'),
  c('waste_code', 'code', '废物代码'),
  c('waste_category', 'code', '废物类别'),
  c('waste_name', 'text', '废物名称 (名录描述)'),
];

export const REGISTER_COLUMNS: Record<RegisterKind, readonly Column[]> = {
  incoming: [
    ...OWNER,
    c('delivered_at', 'time', '接收 (到达) 时间'),
    c('delivered_date', 'china-date', '接收日期 (北京时间)', 'delivered_at'),
    c('received_at', 'time', '核验接收时间'),
    c('manifest_number', 'code', '联单编号'),
    c('manifest_status', 'code', '联单状态'),
    c('consignor_name', 'text', '移出人'),
    c('consignor_code', 'code', '移出人统一社会信用代码'),
    c('consignor_region', 'code', '移出地行政区划代码'),
    c('carriers', 'text', '承运人 (按顺序)'),
    ...LOT,
    c('hazard', 'code', '危险特性'),
    c('physical_form', 'code', '形态'),
    c('packaging', 'text', '包装方式'),
    c('unit', 'code', '计量单位 (kg 或 pcs)'),
    c('declared_quantity', 'quantity', '移出量'),
    c('declared_containers', 'integer', '移出容器数'),
    c('received_quantity', 'quantity', '接收量 (称重)'),
    c('received_containers', 'integer', '接收容器数'),
    c('received_waste_code', 'code', '核验废物代码'),
    c('decision', 'code', '接收意见'),
    c('accepted_quantity', 'quantity', '接受量'),
    c('rejection_reason', 'text', '拒收原因'),
    c('planned_operation', 'code', '拟利用处置方式'),
    c('operation_code', 'code', '利用处置方式代码'),
    c('treated_quantity', 'quantity', '利用处置量'),
  ],
  outgoing: [
    ...OWNER,
    c('transferred_at', 'time', '转移 (出库交运) 时间'),
    c('transferred_date', 'china-date', '转移日期 (北京时间)', 'transferred_at'),
    c('manifest_number', 'code', '联单编号'),
    c('manifest_status', 'code', '联单状态'),
    c('consignee_name', 'text', '接受人'),
    c('consignee_code', 'code', '接受人统一社会信用代码'),
    c('consignee_region', 'code', '接受地行政区划代码'),
    c('consignee_licences', 'text', '接受人危险废物经营许可证编号'),
    c('carriers', 'text', '承运人 (按顺序)'),
    ...LOT,
    c('hazard', 'code', '危险特性'),
    c('physical_form', 'code', '形态'),
    c('packaging', 'text', '包装方式'),
    c('unit', 'code', '计量单位 (kg 或 pcs)'),
    c('declared_quantity', 'quantity', '转移量'),
    c('declared_containers', 'integer', '容器数'),
    c('planned_operation', 'code', '利用处置方式'),
    c('received_quantity', 'quantity', '接受人接收量'),
    c('decision', 'code', '接受人接收意见'),
    c('accepted_quantity', 'quantity', '接受量'),
  ],
  transported: [
    ...OWNER,
    c('taken_over_at', 'time', '接运时间'),
    c('taken_over_date', 'china-date', '接运日期 (北京时间)', 'taken_over_at'),
    c('handed_on_at', 'time', '交付时间'),
    c('manifest_number', 'code', '联单编号'),
    c('manifest_status', 'code', '联单状态'),
    c('leg', 'integer', '运输段 (联运顺序)'),
    c('vehicle_plate', 'code', '车牌号'),
    c('operating_permit_number', 'code', '营运证件号'),
    c('start_point', 'text', '起点'),
    c('end_point', 'text', '终点'),
    c('from_name', 'text', '交付方'),
    c('to_name', 'text', '接收方'),
    c('consignor_name', 'text', '移出人'),
    c('consignee_name', 'text', '接受人'),
    ...LOT,
    c('hazard', 'code', '危险特性'),
    c('un_number', 'code', '联合国编号'),
    c('dangerous_goods_class', 'code', '危险货物类别'),
    c('unit', 'code', '计量单位 (kg 或 pcs)'),
    c('declared_quantity', 'quantity', '运输量'),
    c('declared_containers', 'integer', '容器数'),
  ],
  treated: [
    ...OWNER,
    c('occurred_at', 'time', '利用处置完成时间'),
    c('occurred_date', 'china-date', '利用处置日期 (北京时间)', 'occurred_at'),
    c('event', 'code', '记录类型 (TREATED 利用/处理, DISPOSED 处置)'),
    c('operation_code', 'code', '利用处置方式代码'),
    c('unit', 'code', '计量单位 (kg 或 pcs)'),
    c('quantity', 'quantity', '利用处置量'),
    c('lot_id', 'code', '批次/容器记录编号'),
    c('label_code', 'code', '危险废物标签数字识别码 (HJ 1276)'),
    c('waste_code', 'code', '废物代码'),
    c('waste_category', 'code', '废物类别'),
    c('waste_name', 'text', '废物名称 (名录描述)'),
    c('manifest_number', 'code', '来源联单编号 (自行利用处置为空)'),
    c('source_name', 'text', '产生单位'),
    c('facility_code', 'code', '利用处置设施编码'),
    c('result', 'text', '利用处置结果'),
    c('event_seq', 'integer', '台账事件序号 (链内)'),
    c('event_hash', 'code', '台账事件哈希 (SHA-256)'),
  ],
};

/** The output of an export: CSV (RFC 4180) or NDJSON. */
export type RegisterFormat = 'csv' | 'ndjson';

/** The characters that start a spreadsheet formula (as in `csvField`'s guard), as SQL literals. */
const FORMULA_STARTS = `'=', '+', '-', '@', E'\\t', E'\\r'`;

/**
 * The SQL expression of one column over the register query's row `q` (whose `unit` is the base
 * unit, 'g' or 'pcs', and whose quantities are integer texts). PostgreSQL formats each value as
 * the service documents it, so rows go from `COPY` to the client without being parsed:
 * instants as ISO 8601 UTC with milliseconds, China dates, grams as exact kg without trailing
 * zeros (as `formatMass`), integers as numbers (NDJSON numbers). In CSV, free text that would
 * start a spreadsheet formula gets a leading apostrophe (as `csvField` does), and an empty text
 * is an empty field, like a missing one.
 */
function columnSql(col: Column, format: RegisterFormat): string {
  const v = `q.${col.key}`;
  switch (col.type) {
    case 'time':
      return `to_char(${v} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'china-date':
      return `to_char(q.${col.from!} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
    case 'quantity':
      return `CASE WHEN q.unit = 'g' THEN trim_scale(${v}::numeric * 0.001)::text ELSE ${v}::text END`;
    case 'integer':
      return v;
    case 'code': {
      const code = col.key === 'unit' ? `CASE WHEN ${v} = 'g' THEN 'kg' ELSE ${v}::text END` : `${v}::text`;
      return format === 'csv' ? `NULLIF(${code}, '')` : code;
    }
    case 'text':
      return format === 'csv'
        ? `NULLIF(CASE WHEN left(${v}, 1) IN (${FORMULA_STARTS}) THEN '''' || ${v} ELSE ${v}::text END, '')`
        : `${v}::text`;
  }
}

/**
 * The `COPY` of a register: `query` (the register's rows, in order) under a select of its
 * columns, formatted. CSV is COPY's CSV (quoted only where RFC 4180 requires; rows end in LF,
 * which the reader turns into CRLF). NDJSON is COPY's text format, each row turned into a JSON
 * object as it streams (`CopyTextJsonLines`: `row_to_json` in PostgreSQL 15 cost it 8–11 s more
 * per million rows than the CSV). A plain projection over a sorted subquery keeps its order.
 */
export function registerCopySql(kind: RegisterKind, format: RegisterFormat, query: string): string {
  const select = REGISTER_COLUMNS[kind].map((col) => `${columnSql(col, format)} AS ${col.key}`).join(', ');
  return `COPY (SELECT ${select} FROM (${query}) q) TO STDOUT${format === 'csv' ? ' WITH (FORMAT csv)' : ''}`;
}

export function csvHeader(kind: RegisterKind): string {
  return csvRecord(REGISTER_COLUMNS[kind].map((col) => col.key));
}
