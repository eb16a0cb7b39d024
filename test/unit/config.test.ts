import assert from 'node:assert/strict';
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
});
