import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { isPlatformAdmin, type Principal } from '../common/auth/principal';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { importEd25519PublicKey } from '../manifests/domain/step-signature';
import { DeviceKeysRepository } from './device-keys.repository';
import { CreateDeviceKeyDto, DeviceKeyResponseDto } from './dto/device-key.dto';
import { MemberRole } from './entities/member.entity';
import { MembersService } from './members.service';

@Injectable()
export class DeviceKeysService {
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

  /** The active public key a member signs with, for verifying a step; null when unknown or revoked. */
  async activeKey(memberId: string, keyId: string): Promise<KeyObject | null> {
    const key = await this.keys.findById(keyId);
    if (!key || key.memberId !== memberId || key.revokedAt) return null;
    return importEd25519PublicKey(key.publicKey);
  }

  /** A member manages its own keys; an organisation ADMIN or the platform admin manages its members'. */
  private async assertMayManage(memberId: string, principal: Principal): Promise<void> {
    const member = await this.members.findManageable(memberId, principal);
    if (isPlatformAdmin(principal) || principal.memberRole === MemberRole.ADMIN || principal.memberId === member.id)
      return;
    throw new NotFoundError('Member', memberId);
  }
}
