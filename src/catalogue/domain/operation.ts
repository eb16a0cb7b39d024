/**
 * What an organisation does with waste. The four Chinese licence operation modes
 * (经营方式: 收集 collection, 贮存 storage, 利用 utilisation, 处置 disposal; 《危险废物经营许可证管理办法》
 * Art 10), plus TRANSPORT, which a road dangerous-goods transport permit covers.
 */
export enum OperationMode {
  COLLECTION = 'COLLECTION',
  STORAGE = 'STORAGE',
  UTILISATION = 'UTILISATION',
  DISPOSAL = 'DISPOSAL',
  TRANSPORT = 'TRANSPORT',
}

/** What an operation code is: EU codes are RECOVERY (R) or DISPOSAL (D); Chinese licence modes add the other two. */
export enum OperationKind {
  COLLECTION = 'COLLECTION',
  STORAGE = 'STORAGE',
  RECOVERY = 'RECOVERY',
  DISPOSAL = 'DISPOSAL',
}

/** The licence operation mode an operation code falls under (利用 = recovery). */
export const MODE_OF_KIND: Record<OperationKind, OperationMode> = {
  [OperationKind.COLLECTION]: OperationMode.COLLECTION,
  [OperationKind.STORAGE]: OperationMode.STORAGE,
  [OperationKind.RECOVERY]: OperationMode.UTILISATION,
  [OperationKind.DISPOSAL]: OperationMode.DISPOSAL,
};

/** Operation-code schemes loaded as data (see the LoadOperationCodes migration). */
export const OPERATION_SCHEMES = {
  /** The four licence operation modes. */
  CN_LICENCE_MODE: 'CN_LICENCE_MODE',
  /** Utilisation/disposal method codes used on Chinese licences, plans, ledgers and manifests. */
  CN_HW_METHOD: 'CN_HW_METHOD',
  /** Directive 2008/98/EC Annex I (D1–D15) and Annex II (R1–R13). */
  EU_WFD: 'EU_WFD',
} as const;
