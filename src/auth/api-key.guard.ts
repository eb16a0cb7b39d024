import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyScope } from '../api-keys/entities/api-key.entity';
import { ACCESS_METADATA, type AccessMetadata } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { ProblemException } from '../common/problem/problem-details.filter';
import { CredentialService } from './credential.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route must declare @Public() or @Allow(...). An undeclared route is
 * refused (and a test lists every route to catch the omission before it ships).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<AccessMetadata | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access && 'public' in access && access.public) return true;

    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.headers.authorization;
    if (!header)
      throw new ProblemException(401, 'unauthenticated', 'An API key is required: Authorization: Bearer <key>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await this.credentials.authenticate(match[1]) : null;
    if (!principal) throw new ProblemException(401, 'invalid-credential', 'The API key is unknown, expired or revoked');
    req.principal = principal;

    if (!access) throw new ProblemException(403, 'forbidden', 'This endpoint declares no access rule');
    if (!READ_METHODS.has(req.method) && !principal.scopes.includes(ApiKeyScope.WRITE)) {
      throw new ProblemException(403, 'insufficient-scope', 'This API key is read-only');
    }
    if (!allowed(access, principal)) {
      throw new ProblemException(403, 'forbidden', 'Your role does not allow this action');
    }
    return true;
  }
}

function allowed(rule: Exclude<AccessMetadata, { public: true }>, principal: Principal): boolean {
  if (principal.kind === 'platform-admin') return rule.platformAdmin === true;
  if (!rule.members && !rule.memberRoles && !rule.organisationRoles) return false;
  if (rule.memberRoles && !rule.memberRoles.includes(principal.memberRole)) return false;
  if (rule.organisationRoles && !rule.organisationRoles.some((r) => principal.organisationRoles.includes(r))) {
    return false;
  }
  return true;
}
