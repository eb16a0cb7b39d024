/** SQLSTATEs after which PostgreSQL has rolled the whole transaction back and running it again is safe. */
const TRANSIENT = new Set([
  '40P01', // deadlock_detected: this transaction was chosen as the victim
  '40001', // serialization_failure
]);

export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT.has(code);
}

/**
 * Runs a whole transaction (`attempt` opens, runs and commits it) again when PostgreSQL aborted it
 * as a deadlock victim or for a serialization failure, up to `attempts` times, with a short
 * random pause; any other error, or the last one, is thrown. `attempt` must do nothing outside
 * the transaction that a second run would repeat.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= attempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * i));
    }
  }
}
