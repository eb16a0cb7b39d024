/** Public API of the reconciliation domain: pure functions and types, no I/O. */
export * from './facts';
export * from './finding';
export * from './rule-profile';
export * from './working-days';
export * from './custody';
export * from './evaluate';
export type { RuleDefinition, RuleFn, ScopeEntry, LimitState } from './rules/rule';
export { custodyBreak, manifestStepBreaks } from './rules/custody-break';
export { unconfirmedHandover } from './rules/unconfirmed-handover';
export { quantityDiscrepancy, typeDiscrepancy } from './rules/manifest-discrepancy';
export { transitOverdue, receiptConfirmationOverdue } from './rules/manifest-deadlines';
export { storageLimitExceeded, treatmentOverdue } from './rules/holding-limits';
export { medicalCollectionInterval } from './rules/medical-collection';
export { unlicensedParty, permitScope, permitCapacity } from './rules/permits';
export { massBalance } from './rules/mass-balance';
export { orphanLot, clockAnomaly, chainTampered } from './rules/lot-signals';
export { blacklistedParty, cumulativeLoss, gradeAt, pairLossFactsFromManifests } from './rules/parties';
