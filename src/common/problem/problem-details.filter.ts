import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
  type FieldError,
} from './domain-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'urn:custody-ledger:problem:';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  correlationId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const STATUS_OF: Array<[abstract new (...args: never[]) => DomainError, number]> = [
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ForbiddenError, HttpStatus.FORBIDDEN],
  [ValidationFailedError, HttpStatus.BAD_REQUEST],
  [ConflictError, HttpStatus.CONFLICT],
  [RuleViolationError, HttpStatus.UNPROCESSABLE_ENTITY],
];

const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
};

/** An HttpException that already carries a stable problem code (and optional field errors). */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }
}

/** Renders every error as RFC 9457 application/problem+json. A 5xx never leaks internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = this.toProblem(exception, req);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, correlationId: problem.correlationId }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, req: Request): ProblemDocument {
    const base = { instance: req.originalUrl ?? req.url, correlationId: correlationIdOf(req) };
    if (exception instanceof DomainError) {
      const status = STATUS_OF.find(([type]) => exception instanceof type)?.[1] ?? 500;
      return {
        ...exception.extensions,
        type: PROBLEM_TYPE_BASE + exception.code,
        title: titleOf(status),
        status,
        detail: exception.message,
        code: exception.code,
        ...(exception instanceof ValidationFailedError && exception.errors.length > 0
          ? { errors: exception.errors }
          : {}),
        ...base,
      };
    }
    if (exception instanceof ProblemException) {
      const status = exception.getStatus();
      return {
        ...exception.extensions,
        type: PROBLEM_TYPE_BASE + exception.code,
        title: titleOf(status),
        status,
        detail: exception.message,
        code: exception.code,
        ...base,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const malformed = exception.cause instanceof SyntaxError;
      const code = malformed
        ? 'malformed-json'
        : exception instanceof ThrottlerException
          ? 'rate-limited'
          : (CODE_OF_STATUS[status] ?? `http-${status}`);
      const response = exception.getResponse();
      const detail = malformed
        ? 'The request body is not valid JSON'
        : typeof response === 'object' && response !== null && 'message' in response
          ? [response.message].flat().join('; ')
          : exception.message;
      return { type: PROBLEM_TYPE_BASE + code, title: titleOf(status), status, detail, code, ...base };
    }
    return {
      type: PROBLEM_TYPE_BASE + 'internal',
      title: titleOf(500),
      status: 500,
      detail: 'An unexpected error occurred; it has been logged with this correlation id',
      code: 'internal',
      ...base,
    };
  }
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return titles[status] ?? 'Error';
}

export function correlationIdOf(req: Request): string | undefined {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
