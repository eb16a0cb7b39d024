import type { TransportMode } from '../entities/manifest.entity';

/** Medical waste is HW01: every code's last two digits are its category (名录 Art 5). */
export const isMedicalCode = (wasteCode: string) => wasteCode.endsWith('-01');

/**
 * 《医疗废物管理条例》 Art 14–15, 26; 固废法 Art 83: medical waste never travels by post, rail or
 * air, and by water only with an approval. Returns the refusal, or null.
 */
export function transportModeRefusal(mode: TransportMode, medical: boolean, approvalRef: string | null): string | null {
  if (!medical) return null;
  if (mode === 'POST' || mode === 'RAIL' || mode === 'AIR')
    return `medical waste may not be transported by ${mode.toLowerCase()}`;
  if (mode === 'WATER' && !approvalRef) return 'medical waste by water needs an approval (approvalRef)';
  return null;
}

/** What the receive step says about one line, checked before anything is written. */
export interface ReceptionInput {
  declared: bigint;
  received: bigint;
  decision: 'ACCEPTED' | 'PARTIALLY_REJECTED' | 'REJECTED';
  accepted: bigint | null;
  reason: string | null;
}

/** The accepted quantity of a line, or the problem with the input. */
export function acceptedQuantity(
  line: ReceptionInput,
): { ok: true; accepted: bigint } | { ok: false; message: string } {
  switch (line.decision) {
    case 'ACCEPTED':
      if (line.accepted !== null && line.accepted !== line.received) {
        return { ok: false, message: 'an ACCEPTED line accepts exactly what was received (omit accepted)' };
      }
      return { ok: true, accepted: line.received };
    case 'PARTIALLY_REJECTED':
      if (line.accepted === null) return { ok: false, message: 'PARTIALLY_REJECTED needs the accepted quantity' };
      if (line.accepted <= 0n || line.accepted >= line.received) {
        return {
          ok: false,
          message: 'the accepted quantity must be more than zero and less than the quantity received',
        };
      }
      if (!line.reason) return { ok: false, message: 'a rejection needs a reason' };
      return { ok: true, accepted: line.accepted };
    case 'REJECTED':
      if (line.accepted !== null) return { ok: false, message: 'a REJECTED line accepts nothing (omit accepted)' };
      if (!line.reason) return { ok: false, message: 'a rejection needs a reason' };
      return { ok: true, accepted: 0n };
  }
}
