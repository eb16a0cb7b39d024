/**
 * An organisation's mass balance over a period (pure). Flows are integer base units (grams or
 * pieces) of one waste code, read from the custody ledger:
 *
 *   residual = received + generated − sent − treated − disposed − (heldEnd − heldStart)
 *
 * In a ledger where every quantity change is an event, the residual is exactly what split/merge
 * (lineage), corrections and any other quantity change contributed; `unexplained` is what is left
 * after those, and is zero unless the records are inconsistent.
 */
export interface Flows {
  heldStart: bigint;
  heldEnd: bigint;
  generated: bigint;
  received: bigint;
  sent: bigint;
  treated: bigint;
  disposed: bigint;
  /** Net quantity created (+) or consumed (−) by splits and merges: zero when every split and merge balances. */
  lineage: bigint;
  /** Net change made by CORRECTED events. */
  corrections: bigint;
  /** Net change made by any other event (none is expected). */
  other: bigint;
}

export interface MassBalance {
  heldChange: bigint;
  residual: bigint;
  unexplained: bigint;
  balanced: boolean;
}

export function massBalance(f: Flows): MassBalance {
  const heldChange = f.heldEnd - f.heldStart;
  const residual = f.received + f.generated - f.sent - f.treated - f.disposed - heldChange;
  const unexplained = residual + f.lineage + f.corrections + f.other;
  return { heldChange, residual, unexplained, balanced: residual === 0n };
}

export const ZERO_FLOWS: Flows = Object.freeze({
  heldStart: 0n,
  heldEnd: 0n,
  generated: 0n,
  received: 0n,
  sent: 0n,
  treated: 0n,
  disposed: 0n,
  lineage: 0n,
  corrections: 0n,
  other: 0n,
});

export function addFlows(a: Flows, b: Flows): Flows {
  const out = { ...a };
  for (const k of Object.keys(out) as Array<keyof Flows>) out[k] = a[k] + b[k];
  return out;
}
