import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ApiKeyScope } from '../api-keys/entities/api-key.entity';
import type { Principal } from '../common/auth/principal';
import { RedisService } from '../redis/redis.service';
import { parseToken, hashSecret, sameHash } from './api-key-token';
import { CredentialRepository, type CredentialRow } from './credential.repository';

interface CacheEntry {
  row: CredentialRow;
  cachedUntil: number;
}

/**
 * Resolves a bearer token to a Principal. Verified keys are cached in memory for
 * CREDENTIAL_CACHE_TTL_MS; a revocation evicts the key in this process at once and in
 * every other process through Redis pub/sub, and expiry is checked on every request.
 */
@Injectable()
export class CredentialService implements OnModuleInit {
  private readonly logger = new Logger(CredentialService.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly envAdminHash?: Buffer;
  private readonly channel: string;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: CredentialRepository,
    private readonly redis: RedisService,
  ) {
    if (config.ADMIN_API_KEY) this.envAdminHash = createHash('sha256').update(config.ADMIN_API_KEY).digest();
    this.channel = `${config.QUEUE_PREFIX}:credentials:evict`;
  }

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(this.channel, (publicId) => this.cache.delete(publicId));
  }

  async authenticate(token: string, now = Date.now()): Promise<Principal | null> {
    if (this.envAdminHash && timingSafeEqual(createHash('sha256').update(token).digest(), this.envAdminHash)) {
      return {
        kind: 'platform-admin',
        credentialId: 'env',
        scopes: [ApiKeyScope.READ, ApiKeyScope.WRITE],
        actor: 'platform-admin:env',
      };
    }
    const parsed = parseToken(token);
    if (!parsed) return null;
    const row = await this.lookup(parsed.publicId, now);
    if (!row || !sameHash(row.secretHash, hashSecret(parsed.secret))) return null;
    if (row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
    if (row.platformAdmin) {
      return { kind: 'platform-admin', credentialId: row.id, scopes: row.scopes, actor: `platform-admin:${row.id}` };
    }
    if (!row.memberId || row.memberStatus !== 'ACTIVE' || !row.organisationId) return null;
    return {
      kind: 'member',
      credentialId: row.id,
      scopes: row.scopes,
      actor: `member:${row.memberId}`,
      memberId: row.memberId,
      memberName: row.memberName ?? '',
      memberRole: row.memberRole!,
      organisationId: row.organisationId,
      organisationRoles: row.organisationRoles ?? [],
      regionCode: row.regionCode ?? '',
      jurisdictionPrefix: row.jurisdictionPrefix,
    };
  }

  /** Forget cached keys at once, here and in every other process. */
  async evict(publicIds: string[]): Promise<void> {
    for (const id of publicIds) this.cache.delete(id);
    await Promise.all(
      publicIds.map((id) =>
        this.redis.publish(this.channel, id).catch((err: Error) => this.logger.warn(`evict publish: ${err.message}`)),
      ),
    );
  }

  private async lookup(publicId: string, now: number): Promise<CredentialRow | null> {
    const hit = this.cache.get(publicId);
    if (hit && hit.cachedUntil > now) return hit.row;
    const row = await this.repository.findByPublicId(publicId);
    if (row && this.config.CREDENTIAL_CACHE_TTL_MS > 0) {
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(publicId, { row, cachedUntil: now + this.config.CREDENTIAL_CACHE_TTL_MS });
    }
    return row;
  }
}
