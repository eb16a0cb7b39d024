import { Injectable } from '@nestjs/common';
import { CredentialService } from '../auth/credential.service';
import { isPlatformAdmin, type Principal } from '../common/auth/principal';
import { NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { pageLimit, toPage } from '../common/pagination/cursor';
import { decodeTimeCursor } from '../common/pagination/time-cursor';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { OrganisationsRepository } from '../organisations/organisations.repository';
import { CreateMemberDto, ListMembersQueryDto, MemberResponseDto } from './dto/member.dto';
import { Member, MemberRole, MemberStatus } from './entities/member.entity';
import { MembersRepository } from './members.repository';

@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly credentials: CredentialService,
  ) {}

  async create(dto: CreateMemberDto, principal: Principal): Promise<MemberResponseDto> {
    let organisationId: string;
    if (isPlatformAdmin(principal)) {
      if (!dto.organisationId) {
        throw new ValidationFailedError('organisationId is required', [
          { field: 'organisationId', message: 'organisationId is required for the platform administrator' },
        ]);
      }
      if (!(await this.organisations.findById(dto.organisationId)))
        throw new NotFoundError('Organisation', dto.organisationId);
      organisationId = dto.organisationId;
    } else {
      if (dto.organisationId && dto.organisationId !== principal.organisationId) {
        throw new NotFoundError('Organisation', dto.organisationId);
      }
      organisationId = principal.organisationId;
    }
    const member = await this.members.insert({
      organisationId,
      name: dto.name.trim(),
      email: dto.email ?? null,
      role: dto.role,
      createdBy: principal.actor,
    });
    return MemberResponseDto.from(member);
  }

  async list(query: ListMembersQueryDto, principal: Principal) {
    const organisationId = isPlatformAdmin(principal) ? query.organisationId : principal.organisationId;
    const limit = pageLimit(query);
    const rows = await this.members.list(organisationId, decodeTimeCursor(query.cursor), limit);
    return toPage(rows, limit, (m) => ({ k: m.createdAt.toISOString(), id: m.id }), MemberResponseDto.from);
  }

  async get(id: string, principal: Principal): Promise<MemberResponseDto> {
    return MemberResponseDto.from(await this.findManageable(id, principal));
  }

  /** Disables the member; every one of its API keys stops working on the next request. */
  async disable(id: string, principal: Principal): Promise<MemberResponseDto> {
    const member = await this.findManageable(id, principal);
    if (principal.kind === 'member' && principal.memberId === id && member.role === MemberRole.ADMIN) {
      throw new ValidationFailedError('An administrator cannot disable itself');
    }
    await this.members.setStatus(id, MemberStatus.DISABLED);
    await this.credentials.evict(await this.apiKeys.publicIdsOfMember(id));
    return MemberResponseDto.from({ ...member, status: MemberStatus.DISABLED });
  }

  /** A member of the caller's own organisation (any, for the platform admin); 404 otherwise. */
  async findManageable(id: string, principal: Principal): Promise<Member> {
    const member = await this.members.findById(id);
    if (!member || (!isPlatformAdmin(principal) && member.organisationId !== principal.organisationId)) {
      throw new NotFoundError('Member', id);
    }
    return member;
  }
}
