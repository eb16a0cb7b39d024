/** Physical form on the label (废物形态, HJ 1276). Persisted enum `physical_form`. */
export enum PhysicalForm {
  SOLID = 'SOLID',
  SEMI_SOLID = 'SEMI_SOLID',
  LIQUID = 'LIQUID',
  GAS = 'GAS',
}

/** Container or packaging type (HJ 1259 容器类型). Persisted enum `packaging_type`. */
export enum PackagingType {
  DRUM = 'DRUM',
  BAG = 'BAG',
  BOX = 'BOX',
  /** Intermediate bulk container (吨桶). */
  IBC = 'IBC',
  TANK = 'TANK',
  /** Medical sharps box (利器盒). */
  SHARPS_CONTAINER = 'SHARPS_CONTAINER',
  BULK = 'BULK',
  OTHER = 'OTHER',
}

/** Storage facility types of GB 18597-2023: 贮存库, 贮存场, 贮存池, 贮存罐区, 贮存点. */
export enum StorageLocationType {
  WAREHOUSE = 'WAREHOUSE',
  YARD = 'YARD',
  POOL = 'POOL',
  TANK_AREA = 'TANK_AREA',
  STORAGE_POINT = 'STORAGE_POINT',
}

export enum LineageKind {
  SPLIT = 'SPLIT',
  MERGE = 'MERGE',
}
