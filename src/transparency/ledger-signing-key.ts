import { Injectable, Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import {
  exportPublicKey,
  generateSigningKey,
  importSigningKey,
  keyIdOf,
  publicKeyOf,
  signCheckpoint,
  type CheckpointBody,
  type SignedCheckpoint,
} from './domain/checkpoint';

/** What may be said about the signing key: its public half only. */
export interface SigningKeyInfo {
  keyId: string;
  /** Raw Ed25519 public key, base64url (43 characters). */
  publicKey: string;
  /** Generated for this process because LEDGER_SIGNING_KEY is not set. */
  ephemeral: boolean;
}

/**
 * Holds the checkpoint signing key of this process: LEDGER_SIGNING_KEY when configured, or an
 * ephemeral key generated on first use (development), announced by a WARNING. The private key
 * stays inside this class as a KeyObject; nothing returns, logs or serialises it.
 */
@Injectable()
export class LedgerSigningKey {
  private readonly logger = new Logger(LedgerSigningKey.name);
  private key: { privateKey: KeyObject; info: SigningKeyInfo } | null = null;

  constructor(private readonly config: AppConfig) {}

  /** The public half (loads or generates the key on first call). */
  info(): SigningKeyInfo {
    return { ...this.load().info };
  }

  /** Signs a checkpoint body with this process's key. */
  sign(body: CheckpointBody): SignedCheckpoint {
    return signCheckpoint(this.load().privateKey, body);
  }

  private load(): { privateKey: KeyObject; info: SigningKeyInfo } {
    if (this.key) return this.key;
    const configured = this.config.LEDGER_SIGNING_KEY;
    if (configured) {
      const privateKey = importSigningKey(configured);
      const publicKey = publicKeyOf(privateKey);
      this.key = {
        privateKey,
        info: { keyId: keyIdOf(publicKey), publicKey: exportPublicKey(publicKey), ephemeral: false },
      };
      this.logger.log(`checkpoints are signed with the configured key ${this.key.info.keyId}`);
    } else {
      const generated = generateSigningKey();
      this.key = {
        privateKey: generated.privateKey,
        info: { keyId: generated.keyId, publicKey: generated.publicKeyRaw, ephemeral: true },
      };
      this.logger.warn(
        `WARNING: LEDGER_SIGNING_KEY is not set. Checkpoints of the global log are signed with an EPHEMERAL ` +
          `Ed25519 key generated for this process (key id ${generated.keyId}); its private half is kept in memory ` +
          `only and is lost when the process stops, and each start uses a new key. Fine for development; ` +
          `production must set LEDGER_SIGNING_KEY (a PKCS#8 PEM Ed25519 private key).`,
      );
    }
    return this.key;
  }
}
