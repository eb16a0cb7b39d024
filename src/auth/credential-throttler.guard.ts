import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Principal } from '../common/auth/principal';

/** Rate limits per credential (after authentication), or per client address without one. */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    return Promise.resolve(principal ? `key:${principal.credentialId}` : `ip:${String(req.ip)}`);
  }
}
