/**
 * Typed errors raised by domain and application services. Each carries a stable
 * machine-readable `code`; the HTTP status is chosen in one place
 * (ProblemDetailsFilter), never by the service.
 */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The resource does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  constructor(resource: string, id?: string) {
    super(id ? `${resource} ${id} was not found` : `${resource} was not found`, { resource });
  }
}

/** The caller is known but its role does not allow this action (`code` may name why, e.g. not-custodian). */
export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly code: string = 'forbidden',
    extensions: Record<string, unknown> = {},
  ) {
    super(message, extensions);
  }
}

/** The input is well-formed but invalid against data (unknown code, bad checksum, …). */
export class ValidationFailedError extends DomainError {
  readonly code = 'validation-failed';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The action conflicts with the current state of a resource (lost race, duplicate, wrong state). */
export class ConflictError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, extensions);
  }
}

/** A regulatory or business rule refuses the action; `code` names the rule. */
export class RuleViolationError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, extensions);
  }
}
