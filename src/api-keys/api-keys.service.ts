import { Injectable } from '@nestjs/common';
import { issueToken } from '../auth/api-key-token';
import { CredentialService } from '../auth/credential.service';
import { isPlatformAdmin, type Principal } from '../common/auth/principal';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { MembersService } from '../members/members.service';
import { MemberStatus } from '../members/entities/member.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyResponseDto, CreateApiKeyDto, IssuedApiKeyResponseDto, ListApiKeysQueryDto } from './dto/api-key.dto';
import { ApiKey, ApiKeyScope } from './entities/api-key.entity';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly members: MembersService,
    private readonly credentials: CredentialService,
  ) {}

  async create(dto: CreateApiKeyDto, principal: Principal, now = new Date()): Promise<IssuedApiKeyResponseDto> {
    const member = await this.members.findManageable(dto.memberId, principal);
    if (member.status !== MemberStatus.ACTIVE) {
      throw new ValidationFailedError('The member is disabled', [{ field: 'memberId', message: 'member is disabled' }]);
    }
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw new ValidationFailedError('expiresAt must be in the future', [
        { field: 'expiresAt', message: 'must be in the future' },
      ]);
    }
    const issued = issueToken();
    const key = await this.keys.insert({
      publicId: issued.publicId,
      secretHash: issued.secretHash,
      memberId: member.id,
      organisationId: member.organisationId,
      platformAdmin: false,
      name: dto.name.trim(),
      scopes: dto.scopes ?? [ApiKeyScope.READ, ApiKeyScope.WRITE],
      expiresAt,
      createdBy: principal.actor,
    });
    return { ...ApiKeyResponseDto.from(key), token: issued.token };
  }

  /** A platform-administrator key, for the bootstrap CLI. */
  async createPlatformAdminKey(name: string): Promise<{ id: string; token: string }> {
    const issued = issueToken();
    const key = await this.keys.insert({
      publicId: issued.publicId,
      secretHash: issued.secretHash,
      memberId: null,
      organisationId: null,
      platformAdmin: true,
      name,
      scopes: [ApiKeyScope.READ, ApiKeyScope.WRITE],
      expiresAt: null,
      createdBy: 'cli',
    });
    return { id: key.id, token: issued.token };
  }

  async list(query: ListApiKeysQueryDto, principal: Principal) {
    const limit = pageLimit(query);
    const filter = {
      organisationId: isPlatformAdmin(principal) ? undefined : principal.organisationId,
      memberId: query.memberId,
    };
    const rows = await this.keys.list(filter, decodeTimeCursor(query.cursor), limit);
    return toPage(rows, limit, (k) => ({ k: k.createdAt.toISOString(), id: k.id }), ApiKeyResponseDto.from);
  }

  async get(id: string, principal: Principal): Promise<ApiKeyResponseDto> {
    return ApiKeyResponseDto.from(await this.findManageable(id, principal));
  }

  /** Revocation takes effect on the next request, in every process. */
  async revoke(id: string, principal: Principal): Promise<ApiKeyResponseDto> {
    const key = await this.findManageable(id, principal);
    const revoked = await this.keys.revoke(key.id, principal.actor);
    await this.credentials.evict([key.publicId]);
    return ApiKeyResponseDto.from(revoked ?? key);
  }

  private async findManageable(id: string, principal: Principal): Promise<ApiKey> {
    const key = await this.keys.findById(id);
    if (!key || key.platformAdmin || (!isPlatformAdmin(principal) && key.organisationId !== principal.organisationId)) {
      throw new NotFoundError('API key', id);
    }
    return key;
  }
}
