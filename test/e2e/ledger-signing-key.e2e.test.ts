import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkpointSignatureOk, type Checkpoint } from '../support/independent-log-verifier';
import { GENERATED_AT, lotBody } from '../support/lots';
import { creditCode } from '../support/fixtures';
import { createTestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';

const DIST = resolve(__dirname, '..', '..');
const MAIN = join(DIST, 'src', 'main.js');
const VERIFY_PROOF = join(DIST, 'scripts', 'verify-proof.js');
const ADMIN = `admin-${randomBytes(16).toString('hex')}`;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The fields these tests read from response bodies. */
type Body = Checkpoint & {
  id: string;
  token: string;
  items: Array<Checkpoint & { publicKey: string; ephemeral: boolean }>;
};

/** The whole service (API + worker) as `npm start` runs it, with its output captured. */
class Service {
  output = '';
  private child!: ChildProcess;
  readonly base: string;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: String(this.port), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
    await waitFor(async () => (await fetch(`${this.base}/health/ready`).catch(() => null))?.ok, 30_000, 100);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Every response body and header, as text, so that the test can search them. */
  seen = '';
  async call(method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number; json: Body }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    this.seen += `${JSON.stringify([...res.headers.entries()])}\n${text}\n`;
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Body };
  }
}

const keyIdOfRaw = (raw: string) =>
  createHash('sha256').update(Buffer.from(raw, 'base64url')).digest().subarray(0, 8).toString('hex');

describe('checkpoint signing key (real processes: npm start)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let port: number;
  // The configured key and every spelling of its secret part.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const rawPublic = publicKey.export({ format: 'jwk' }).x!;
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const secrets = [
    pem.trim(),
    pem.replace(/\n/g, '\\n').trim(),
    der.toString('base64'),
    der.toString('hex'),
    seed.toString('base64'),
    seed.toString('base64url'),
    seed.toString('hex'),
    'PRIVATE KEY',
  ];
  let configuredKeyId = '';
  let firstCheckpoints: Checkpoint[] = [];

  const leaks = (text: string) => secrets.filter((s) => text.includes(s));

  before(async () => {
    database = await createTestDatabase();
    port = await freePort();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ADMIN_API_KEY: ADMIN,
      LOG_LEVEL: 'trace',
      QUEUE_PREFIX: `cltest-${randomBytes(4).toString('hex')}`,
      CHECKPOINT_INTERVAL_MS: '200',
      DATABASE_POOL_SIZE: '5',
    };
  });
  after(() => database.drop());

  it('LEDGER_SIGNING_KEY (\\n-escaped PEM) signs the checkpoints; the key is in no response and no log line', async () => {
    const service = new Service(port, { ...env, LEDGER_SIGNING_KEY: pem.replace(/\n/g, '\\n') });
    await service.start();
    try {
      const org = await service.call('POST', '/v1/organisations', ADMIN, {
        name: '聊城某汽修厂',
        roles: ['GENERATOR'],
        registrationCode: creditCode('371502'),
        regionCode: '371502',
      });
      assert.equal(org.status, 201);
      const member = await service.call('POST', '/v1/members', ADMIN, {
        organisationId: org.json.id,
        name: '张三',
        role: 'ADMIN',
      });
      const key = await service.call('POST', '/v1/api-keys', ADMIN, { memberId: member.json.id, name: 'test' });
      const token = key.json.token as string;
      const lot = await service.call('POST', '/v1/lots', token, lotBody({ occurredAt: GENERATED_AT }));
      assert.equal(lot.status, 201, JSON.stringify(lot.json));

      // The worker's schedule checkpoints it within a few intervals.
      const latest = await waitFor(async () => {
        const res = await service.call('GET', '/v1/ledger/checkpoints/latest');
        return res.status === 200 ? (res.json as Checkpoint) : null;
      }, 20_000);
      configuredKeyId = keyIdOfRaw(rawPublic);
      assert.equal(latest.keyId, configuredKeyId);
      assert.ok(checkpointSignatureOk(latest, rawPublic));
      const keys = await service.call('GET', '/v1/ledger/public-keys');
      assert.deepEqual(
        keys.json.items.map((k: { keyId: string; publicKey: string; ephemeral: boolean }) => [
          k.keyId,
          k.publicKey,
          k.ephemeral,
        ]),
        [[configuredKeyId, rawPublic, false]],
      );
      const proof = await service.call('GET', `/v1/ledger/proofs/${lot.json.id}/1`, token);
      assert.equal(proof.status, 200, JSON.stringify(proof.json));
      const cli = spawnSync(process.execPath, [VERIFY_PROOF, 'inclusion', '-', '--key', rawPublic], {
        input: JSON.stringify(proof.json),
        encoding: 'utf8',
      });
      assert.equal(cli.status, 0, cli.stderr);
      await service.call('GET', '/v1/ledger/checkpoints');
      await service.call('GET', '/docs-json');
      await service.call('GET', '/v1/me', token);
      await service.call('GET', '/v1/ledger/proofs/not-a-uuid/1', token);
      firstCheckpoints = (await service.call('GET', '/v1/ledger/checkpoints?limit=200')).json.items as Checkpoint[];
      assert.deepEqual(leaks(service.seen), [], 'no response carries the private key');
    } finally {
      await service.stop();
    }
    assert.match(service.output, new RegExp(`signed with the configured key ${configuredKeyId}`));
    assert.doesNotMatch(service.output, /EPHEMERAL/);
    assert.deepEqual(leaks(service.output), [], 'no log line carries the private key');
  });

  it('without LEDGER_SIGNING_KEY: an ephemeral key with a clear WARNING; old checkpoints stay verifiable', async () => {
    const service = new Service(port, env);
    await service.start();
    try {
      const org = await service.call('POST', '/v1/organisations', ADMIN, {
        name: '另一家',
        roles: ['GENERATOR'],
        registrationCode: creditCode('371502'),
        regionCode: '371502',
      });
      const member = await service.call('POST', '/v1/members', ADMIN, {
        organisationId: org.json.id,
        name: '李四',
        role: 'ADMIN',
      });
      const token = (await service.call('POST', '/v1/api-keys', ADMIN, { memberId: member.json.id, name: 't' })).json
        .token as string;
      assert.equal((await service.call('POST', '/v1/lots', token, lotBody())).status, 201);
      const newer = await waitFor(async () => {
        const res = await service.call('GET', '/v1/ledger/checkpoints/latest');
        return res.status === 200 && res.json.keyId !== configuredKeyId ? (res.json as Checkpoint) : null;
      }, 20_000);
      const keys = (await service.call('GET', '/v1/ledger/public-keys')).json.items as Array<{
        keyId: string;
        publicKey: string;
        ephemeral: boolean;
      }>;
      assert.equal(keys.length, 2);
      const ephemeral = keys.find((k) => k.ephemeral)!;
      assert.equal(ephemeral.keyId, newer.keyId);
      assert.ok(checkpointSignatureOk(newer, ephemeral.publicKey));
      // The checkpoints signed before the rotation are unchanged and verify with the old key.
      const all = (await service.call('GET', '/v1/ledger/checkpoints?limit=200')).json.items as Checkpoint[];
      assert.deepEqual(all.slice(all.length - firstCheckpoints.length), firstCheckpoints);
      for (const c of firstCheckpoints) assert.ok(checkpointSignatureOk(c, rawPublic));
      const consistency = await service.call(
        'GET',
        `/v1/ledger/consistency?from=${firstCheckpoints[0].treeSize}&to=${newer.treeSize}`,
      );
      const cli = spawnSync(
        process.execPath,
        [VERIFY_PROOF, 'consistency', '-', '--key', rawPublic, '--key', ephemeral.publicKey],
        { input: JSON.stringify(consistency.json), encoding: 'utf8' },
      );
      assert.equal(cli.status, 0, cli.stderr);
    } finally {
      await service.stop();
    }
    const warning = service.output.split('\n').find((l) => l.includes('LEDGER_SIGNING_KEY is not set'));
    assert.ok(warning, service.output.slice(-2000));
    assert.match(warning, /WARNING/);
    assert.match(warning, /EPHEMERAL/);
    assert.match(warning, /"level":40/, 'logged at warn level');
    assert.doesNotMatch(service.output, /PRIVATE KEY/);
  });
});
