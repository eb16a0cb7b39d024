import { parentPort, workerData } from 'node:worker_threads';
import { generateChunk, type LedgerSpec } from './ledger-data';

/** Worker thread of `loadLedger`: computes chunks of lots and their hash chains on request. */
const spec = workerData as LedgerSpec;
parentPort!.on('message', (m: { from: number; to: number }) => {
  parentPort!.postMessage({ from: m.from, chunk: generateChunk(spec, m.from, m.to) });
});
