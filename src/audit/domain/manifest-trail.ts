/**
 * Matches a manifest's signed steps with the custody events they wrote (pure, no I/O). Each step
 * appends one event to the chain of each lot it concerns, carrying the step's payload hash as
 * `stepHash` (docs/manifests.md): submit, pickup, relay, deliver and receive concern every line;
 * complete the accepted lines; cancel every line only when the manifest had been submitted.
 */
export interface TrailStep {
  seq: number;
  action: string;
  fromStatus: string;
  payloadHash: string;
}

export interface TrailLine {
  lineNo: number;
  lotId: string;
  decision: string | null;
}

export interface TrailEvent {
  lotId: string;
  seq: number;
  type: string;
  stepHash: string | null;
}

export interface StepTrail<E extends TrailEvent> {
  step: TrailStep;
  events: E[];
  expectedLotIds: string[];
  /** Lots the step should have written an event to and did not. */
  missingLotIds: string[];
  /** True when exactly the expected lots carry exactly one event of this step each. */
  complete: boolean;
}

export interface ManifestTrail<E extends TrailEvent> {
  steps: StepTrail<E>[];
  /** Events naming this manifest whose stepHash matches none of its steps (altered, or written outside a step). */
  unmatched: E[];
  complete: boolean;
}

/** The lots a step is expected to write an event to. */
export function expectedLots(step: TrailStep, lines: readonly TrailLine[]): string[] {
  switch (step.action) {
    case 'complete':
      return lines.filter((l) => l.decision === 'ACCEPTED' || l.decision === 'PARTIALLY_REJECTED').map((l) => l.lotId);
    case 'cancel':
      return step.fromStatus === 'SUBMITTED' ? lines.map((l) => l.lotId) : [];
    default:
      return lines.map((l) => l.lotId);
  }
}

export function manifestTrail<E extends TrailEvent>(
  steps: readonly TrailStep[],
  lines: readonly TrailLine[],
  events: readonly E[],
): ManifestTrail<E> {
  const byHash = new Map<string, E[]>();
  const unmatched: E[] = [];
  const hashes = new Set(steps.map((s) => s.payloadHash));
  for (const e of events) {
    if (e.stepHash === null || !hashes.has(e.stepHash)) {
      unmatched.push(e);
      continue;
    }
    const list = byHash.get(e.stepHash) ?? [];
    list.push(e);
    byHash.set(e.stepHash, list);
  }
  const trails = steps.map((step) => {
    const stepEvents = byHash.get(step.payloadHash) ?? [];
    const expected = expectedLots(step, lines);
    const seen = new Map<string, number>();
    for (const e of stepEvents) seen.set(e.lotId, (seen.get(e.lotId) ?? 0) + 1);
    const missing = expected.filter((id) => !seen.has(id));
    const complete =
      missing.length === 0 &&
      stepEvents.length === expected.length &&
      [...seen.entries()].every(([id, n]) => n === 1 && expected.includes(id));
    return { step, events: stepEvents, expectedLotIds: expected, missingLotIds: missing, complete };
  });
  return { steps: trails, unmatched, complete: unmatched.length === 0 && trails.every((t) => t.complete) };
}
