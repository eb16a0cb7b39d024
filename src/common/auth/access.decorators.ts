import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { MemberRole } from '../../members/entities/member.entity';
import type { OrganisationRole } from '../../organisations/entities/organisation.entity';
import type { Principal } from './principal';

export const ACCESS_METADATA = 'custody-ledger:access';

/**
 * Who may call an endpoint. A caller passes when it is the platform administrator and
 * `platformAdmin` is true, or when it is a member whose role is in `memberRoles` (any role
 * when omitted) of an organisation holding one of `organisationRoles` (any when omitted).
 */
export interface AccessRule {
  public?: false;
  platformAdmin?: boolean;
  members?: boolean;
  memberRoles?: readonly MemberRole[];
  organisationRoles?: readonly OrganisationRole[];
}

export type AccessMetadata = { public: true } | AccessRule;

/** Declares the endpoint reachable without credentials. Must be explicit. */
export const Public = () => SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessMetadata);

/** Declares who may call the endpoint; every non-public endpoint must carry one. */
export const Allow = (rule: Omit<AccessRule, 'public'>) =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { members: false, platformAdmin: false, ...rule } satisfies AccessMetadata),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown, expired or revoked API key' }),
    ApiForbiddenResponse({ description: 'The credential may not call this endpoint' }),
  );

/** Any authenticated member of any organisation, and the platform administrator. */
export const AnyAuthenticated = () => Allow({ platformAdmin: true, members: true });

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on an endpoint without authentication');
  return principal;
});
