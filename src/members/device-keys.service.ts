import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { isPlatformAdmin, type Principal } from '../common/auth/principal';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { importEd25519PublicKey } from '../manifests/domain/step-signature';
import { DeviceKeysRepository } from './device-keys.repository';
import { CreateDeviceKeyDto, DeviceKeyResponseDto } from './dto/device-key.dto';
import { MemberRole } from './entities/member.entity';
import { MembersService } from './members.service';

/** A device key as a step reads it (in the step's own statement: no second connection). */
export interface DeviceKeyRecord {
  id: string;
  memberId: string;
  publicKey: string;
  revoked: boolean;
}

/** Most parsed public keys kept; beyond, the cache starts again (parsing is the only cost). */
const PARSED_KEYS_MAX = 10_000;

@Injectable()
export class DeviceKeysService {
  /**
   * Parsed public keys by key id. Only the parse is cached: a key's public key never changes,
   * while whether it is active (owner, revocation) is read with every step, so a revocation
   * takes effect on the next request.
   */
  private readonly parsed = new Map<string, { publicKey: string; key: KeyObject | null }>();

  constructor(
    private readonly keys: DeviceKeysRepository,
    private readonly members: MembersService,
  ) {}

  async register(memberId: string, dto: CreateDeviceKeyDto, principal: Principal): Promise<DeviceKeyResponseDto> {
    await this.assertMayManage(memberId, principal);
    if (!importEd25519PublicKey(dto.publicKey)) {
      throw new ValidationFailedError('publicKey is not an Ed25519 public key', [
        { field: 'publicKey', message: 'not an Ed25519 public key' },
      ]);
    }
    if (await this.keys.existsByPublicKey(dto.publicKey)) {
      throw new ConflictError('device-key-exists', 'This public key is already registered');
    }
    const key = await this.keys.insert({
      memberId,
      label: dto.label.trim(),
      publicKey: dto.publicKey,
      createdBy: principal.actor,
    });
    return DeviceKeyResponseDto.from(key);
  }

  async list(memberId: string, principal: Principal): Promise<DeviceKeyResponseDto[]> {
    await this.assertMayManage(memberId, principal);
    return (await this.keys.listOfMember(memberId)).map(DeviceKeyResponseDto.from);
  }

  async revoke(memberId: string, keyId: string, principal: Principal): Promise<DeviceKeyResponseDto> {
    await this.assertMayManage(memberId, principal);
    const key = await this.keys.findById(keyId);
    if (!key || key.memberId !== memberId) throw new NotFoundError('Device key', keyId);
    await this.keys.revoke(keyId);
    return DeviceKeyResponseDto.from((await this.keys.findById(keyId)) ?? key);
  }

  /**
   * The public key that verifies a member's step, from the key's record as the step read it;
   * null when there is no such key, it is another member's or it is revoked.
   */
  verifyingKey(memberId: string, record: DeviceKeyRecord | null): KeyObject | null {
    if (!record || record.memberId !== memberId || record.revoked) return null;
    const cached = this.parsed.get(record.id);
    if (cached && cached.publicKey === record.publicKey) return cached.key;
    const key = importEd25519PublicKey(record.publicKey);
    if (this.parsed.size >= PARSED_KEYS_MAX) this.parsed.clear();
    this.parsed.set(record.id, { publicKey: record.publicKey, key });
    return key;
  }

  /** A member manages its own keys; an organisation ADMIN or the platform admin manages its members'. */
  private async assertMayManage(memberId: string, principal: Principal): Promise<void> {
    const member = await this.members.findManageable(memberId, principal);
    if (isPlatformAdmin(principal) || principal.memberRole === MemberRole.ADMIN || principal.memberId === member.id)
      return;
    throw new NotFoundError('Member', memberId);
  }
}
