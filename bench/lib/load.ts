import { Agent, request } from 'undici';

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export function client(baseUrl: string, connections = 64) {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const send = async (call: HttpCall): Promise<number> => {
    const res = await request(`${baseUrl}${call.path}`, {
      method: call.method,
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    await res.body.dump();
    return res.statusCode;
  };
  return { send, close: () => agent.close() };
}

/**
 * Closed loop: `concurrency` workers send back-to-back for `durationMs` (after `warmupMs`).
 * Returns completed requests per second and latencies.
 */
export async function closedLoop(
  baseUrl: string,
  make: (i: number) => HttpCall,
  opts: { concurrency: number; durationMs: number; warmupMs?: number },
): Promise<{ rps: number; latencies: number[]; errors: number; warmupCount: number }> {
  const http = client(baseUrl, opts.concurrency);
  let i = 0;
  let errors = 0;
  let warmupCount = 0;
  const latencies: number[] = [];
  let measuring = false;
  let done = 0;
  const stopAt = Date.now() + (opts.warmupMs ?? 0) + opts.durationMs;
  setTimeout(() => (measuring = true), opts.warmupMs ?? 0);
  let startedAt = 0;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const call = make(i++);
      const t0 = performance.now();
      const status = await http.send(call).catch(() => 0);
      if (measuring) {
        if (!startedAt) startedAt = t0;
        latencies.push(performance.now() - t0);
        done++;
        if (status >= 400 || status === 0) errors++;
      } else {
        warmupCount++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  await http.close();
  return { rps: done / seconds, latencies, errors, warmupCount };
}

/**
 * Open loop at a fixed rate: request k is due at start + k/rate and is sent then whether or not
 * earlier ones have answered; latency counts from the due time, so stalls show in the tail
 * (no coordinated omission).
 */
export async function openLoop(
  baseUrl: string,
  make: (i: number) => HttpCall,
  opts: {
    rate: number;
    durationMs: number;
    connections?: number;
    /** Called with each answer's status (e.g. to count non-2xx answers or break them down). */
    onStatus?: (status: number, k: number) => void;
  },
): Promise<{ latencies: number[]; errors: number; sent: number }> {
  const http = client(baseUrl, opts.connections ?? 256);
  const total = Math.floor((opts.rate * opts.durationMs) / 1000);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      http.send(make(k)).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status >= 400) errors++;
          opts.onStatus?.(status, k);
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  await http.close();
  return { latencies, errors, sent: total };
}
