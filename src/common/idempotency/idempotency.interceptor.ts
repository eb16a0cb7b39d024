import {
  applyDecorators,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import canonicalize from 'canonicalize';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import type { Principal } from '../auth/principal';
import { ProblemException } from '../problem/problem-details.filter';
import { IdempotencyRepository } from './idempotency.repository';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Honours the `Idempotency-Key` header: the same key and body give back the stored
 * response; the same key with another body is refused with 422; a retry that arrives
 * while the first request is still running gets 409 and may try again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly repository: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (key === undefined || !req.principal) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemException(
        400,
        'invalid-idempotency-key',
        'Idempotency-Key must be 1–255 visible ASCII characters',
      );
    }
    const scope = req.principal.actor;
    let body: string;
    try {
      body = canonicalize(req.body ?? null) ?? '';
    } catch {
      // RFC 8785 refuses lone surrogates ("\ud800"), which JSON itself lets through.
      throw new ProblemException(
        400,
        'invalid-unicode',
        'The request body contains text that is not well-formed Unicode',
      );
    }
    const requestHash = createHash('sha256').update(`${req.method} ${req.path}\n${body}`).digest('hex');
    return from(this.run(scope, key, requestHash, res, next));
  }

  private async run(scope: string, key: string, hash: string, res: Response, next: CallHandler): Promise<unknown> {
    const reservation = await this.repository.reserve(scope, key, hash);
    if (reservation.outcome !== 'reserved' && reservation.requestHash !== hash) {
      throw new ProblemException(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different request',
      );
    }
    if (reservation.outcome === 'pending') {
      res.setHeader('Retry-After', '1');
      throw new ProblemException(
        409,
        'idempotency-key-in-progress',
        'A request with this Idempotency-Key is still in progress',
      );
    }
    if (reservation.outcome === 'replay') {
      res.status(reservation.status);
      res.setHeader('Idempotent-Replayed', 'true');
      return lastValueFrom(of(reservation.body));
    }
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.repository.release(scope, key);
      throw error;
    }
    await this.repository.complete(scope, key, res.statusCode, body);
    return body;
  }
}

/** Marks a side-effecting POST as honouring `Idempotency-Key`. */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Retry-safe key (1–255 visible ASCII). Same key and body → the stored response; other body → 422.',
    }),
    ApiConflictResponse({
      description: 'A request with this Idempotency-Key is still in progress, or a state conflict',
    }),
    ApiUnprocessableEntityResponse({
      description: 'Idempotency-Key reused with a different body, or a rule refuses it',
    }),
  );
