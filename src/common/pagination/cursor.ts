import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from '../problem/domain-errors';

/** Keyset pagination: the cursor is the (sort key, id) of the last row of the previous page. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface KeysetPosition {
  /** The sort value (ISO time, number or text) of the last row. */
  k: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.k, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { k: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new ValidationFailedError('The cursor is not valid', [
    { field: 'cursor', message: 'not a cursor from this API' },
  ]);
}

export function pageLimit(query: PageQueryDto): number {
  return query.limit ?? 50;
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<T, R>(rows: T[], limit: number, key: (row: T) => KeysetPosition, map: (row: T) => R) {
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? encodeCursor(key(items[items.length - 1])) : null;
  return { items: items.map(map), nextCursor: next };
}

export class PageMetaDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
