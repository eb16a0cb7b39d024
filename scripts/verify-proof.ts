import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importPublicKey, keyIdOf } from '../src/transparency/domain/checkpoint';
import {
  verifyCheckpointWithKeys,
  verifyConsistencyProofJson,
  verifyInclusionProofJson,
} from '../src/transparency/domain/proof-bundle';

/**
 * Offline verifier for the custody ledger's tamper-evident log (docs/ledger-merkle.md).
 * Imports only node built-ins and the pure modules of src/transparency/domain (which themselves use
 * node:crypto and the dependency-free `canonicalize` package). Exit status 0 = verified, 1 = not.
 */

const USAGE = `usage: verify-proof <checkpoint|inclusion|consistency> [FILE|-] (--key KEY | --key-file PATH)...

Checks, offline, with nothing but the log's public key:
  checkpoint    a signed checkpoint {treeSize, rootHash, issuedAt, keyId, signature}
  inclusion     an inclusion proof {leaf | leafHash, leafIndex, treeSize, auditPath, checkpoint}
  consistency   a consistency proof {from, to, consistencyPath} between two checkpoints

The JSON is read from FILE, or from standard input when FILE is "-" or absent.
KEY is the raw Ed25519 public key in base64url (43 characters). A key file holds that text, a PEM
"PUBLIC KEY", or JSON with a "publicKey" property. Give several keys to check across a key rotation.
Exit status: 0 verified, 1 not verified or unusable input.`;

type Kind = 'checkpoint' | 'inclusion' | 'consistency';

interface Args {
  kind: Kind;
  file: string;
  keys: KeyObject[];
}

class UsageError extends Error {}

function keyFromFile(path: string): KeyObject {
  const text = readFileSync(path, 'utf8').trim();
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) {
    const key = createPublicKey({ key: text, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`${path}: not an Ed25519 public key`);
    return key;
  }
  if (text.startsWith('{')) {
    const json = JSON.parse(text) as { publicKey?: unknown };
    if (typeof json.publicKey !== 'string') throw new UsageError(`${path}: JSON without a "publicKey" string`);
    return importPublicKey(json.publicKey);
  }
  return importPublicKey(text);
}

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const keys: KeyObject[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key' || a === '--key-file') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      try {
        keys.push(a === '--key' ? importPublicKey(v) : keyFromFile(v));
      } catch (e) {
        throw new UsageError(`${a} ${a === '--key' ? '' : v + ': '}${(e as Error).message}`);
      }
    } else if (a.startsWith('--') && a !== '--') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  const [kind, file = '-', ...extra] = positional;
  if (kind !== 'checkpoint' && kind !== 'inclusion' && kind !== 'consistency') {
    throw new UsageError(kind ? `unknown proof kind "${kind}"` : 'which kind of proof?');
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (keys.length === 0) throw new UsageError('a public key is required (--key or --key-file)');
  return { kind, file, keys };
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function describeCheckpoint(c: { treeSize: number; rootHash: string; issuedAt: string; keyId: string }): string {
  return `treeSize ${c.treeSize}, root ${c.rootHash}, issued ${c.issuedAt}, key ${c.keyId}`;
}

function verifyDocument(kind: Kind, doc: unknown, keys: readonly KeyObject[]): { ok: boolean; lines: string[] } {
  switch (kind) {
    case 'checkpoint': {
      const v = verifyCheckpointWithKeys(doc, keys);
      if (!v.ok) return { ok: false, lines: [v.reason] };
      return {
        ok: true,
        lines: [`checkpoint is signed by key ${v.checkpoint.keyId}`, describeCheckpoint(v.checkpoint)],
      };
    }
    case 'inclusion': {
      const v = verifyInclusionProofJson(doc, keys);
      if (!v.ok) return { ok: false, lines: [v.reason] };
      const lines = [`leaf ${v.leafHash} is entry ${v.leafIndex} of the log at tree size ${v.checkpoint.treeSize}`];
      if (v.leaf) lines.push(`event: lot ${v.leaf.lotId}, seq ${v.leaf.seq}, event hash ${v.leaf.eventHash}`);
      lines.push(`checkpoint: ${describeCheckpoint(v.checkpoint)}`);
      return { ok: true, lines };
    }
    case 'consistency': {
      const v = verifyConsistencyProofJson(doc, keys);
      if (!v.ok) return { ok: false, lines: [v.reason] };
      return {
        ok: true,
        lines: [
          `the log at tree size ${v.to.treeSize} extends the log at tree size ${v.from.treeSize} (append-only)`,
          `from: ${describeCheckpoint(v.from)}`,
          `to:   ${describeCheckpoint(v.to)}`,
        ],
      };
    }
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`verify-proof: ${e.message}\n\n${USAGE}\n`);
    return 1;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readInput(args.file));
  } catch (e) {
    process.stderr.write(`NOT VERIFIED (${args.kind}): cannot read JSON: ${(e as Error).message}\n`);
    return 1;
  }
  const result = verifyDocument(args.kind, doc, args.keys);
  if (result.ok) {
    process.stdout.write(`VERIFIED (${args.kind})\n${result.lines.map((l) => `  ${l}\n`).join('')}`);
    return 0;
  }
  const ids = args.keys.map(keyIdOf).join(', ');
  process.stderr.write(`NOT VERIFIED (${args.kind}): ${result.lines.join('; ')}\n  (public key(s): ${ids})\n`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`NOT VERIFIED: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
