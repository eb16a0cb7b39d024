import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('configuration', () => {
  it('defaults work on a machine with local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3000);
    assert.equal(config.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/custody_ledger');
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.PROCESS_ROLE, 'all');
    assert.equal(config.ADMIN_API_KEY, undefined);
  });

  it('converts numbers and booleans explicitly', () => {
    const config = loadConfig({ PORT: '8080', MIGRATIONS_RUN: 'false', RATE_LIMIT: '10' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.MIGRATIONS_RUN, false);
    assert.equal(config.RATE_LIMIT, 10);
  });

  it('one readable error lists every bad variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', ADMIN_API_KEY: 'short', PROCESS_ROLE: 'both' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /4 problem/);
        for (const name of ['PORT', 'LOG_LEVEL', 'ADMIN_API_KEY', 'PROCESS_ROLE'])
          assert.match(error.message, new RegExp(name));
        return true;
      },
    );
  });

  describe('LEDGER_SIGNING_KEY', () => {
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

    it('is optional; checkpoints every second by default', () => {
      const config = loadConfig({});
      assert.equal(config.LEDGER_SIGNING_KEY, undefined);
      assert.equal(config.CHECKPOINT_INTERVAL_MS, 1000);
      assert.equal(config.CHECKPOINT_MAX_LEAVES, 10000);
    });

    it('accepts an Ed25519 PKCS#8 PEM, with real or \\n-escaped newlines', () => {
      assert.equal(loadConfig({ LEDGER_SIGNING_KEY: ed25519 }).LEDGER_SIGNING_KEY, ed25519);
      const escaped = ed25519.replace(/\n/g, '\\n');
      assert.equal(loadConfig({ LEDGER_SIGNING_KEY: escaped }).LEDGER_SIGNING_KEY, escaped);
    });

    it('refuses anything else with a message that never contains the value', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString();
      for (const [value, reason] of [
        [rsa, /must be an Ed25519 key/],
        ['not a key at all, secret-ish text', /not a PKCS#8 PEM private key/],
        [ed25519.slice(0, 60), /not a PKCS#8 PEM private key/],
      ] as const) {
        assert.throws(
          () => loadConfig({ LEDGER_SIGNING_KEY: value }),
          (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.match(error.message, /LEDGER_SIGNING_KEY=\[redacted\]/);
            assert.match(error.message, reason);
            assert.ok(!error.message.includes(value.slice(30, 60)), error.message);
            return true;
          },
        );
      }
    });

    it('secrets are redacted in validation errors (ADMIN_API_KEY too)', () => {
      assert.throws(
        () => loadConfig({ ADMIN_API_KEY: 'short-secret' }),
        (error: unknown) => error instanceof ConfigError && !error.message.includes('short-secret'),
      );
    });

    it('CHECKPOINT_INTERVAL_MS has a floor', () => {
      assert.throws(() => loadConfig({ CHECKPOINT_INTERVAL_MS: '10' }), /CHECKPOINT_INTERVAL_MS/);
      assert.equal(loadConfig({ CHECKPOINT_INTERVAL_MS: '250' }).CHECKPOINT_INTERVAL_MS, 250);
    });
  });
});
