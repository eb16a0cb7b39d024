import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { DeviceKey } from '../entities/device-key.entity';

export class CreateDeviceKeyDto {
  @ApiProperty({ example: 'driver phone', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  label!: string;

  @ApiProperty({ description: 'Ed25519 public key: the raw 32 bytes in base64url (a JWK `x`), 43 characters' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'publicKey must be 43 base64url characters (32 raw bytes)' })
  publicKey!: string;
}

export class DeviceKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() label!: string;
  @ApiProperty() publicKey!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static from(k: DeviceKey): DeviceKeyResponseDto {
    return {
      id: k.id,
      memberId: k.memberId,
      label: k.label,
      publicKey: k.publicKey,
      revokedAt: k.revokedAt?.toISOString() ?? null,
      createdAt: k.createdAt.toISOString(),
    };
  }
}
