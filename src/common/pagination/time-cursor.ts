import { ValidationFailedError } from '../problem/domain-errors';
import { decodeCursor, type KeysetPosition } from './cursor';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * decodeCursor for keysets on (created_at, uuid id): also checks that both parts have the
 * types the SQL compares them as, so a forged cursor is a 400 and never a database error.
 */
export function decodeTimeCursor(cursor: string | undefined): KeysetPosition | null {
  const position = decodeCursor(cursor);
  if (position && (!ISO_INSTANT.test(position.k) || Number.isNaN(Date.parse(position.k)) || !UUID.test(position.id))) {
    throw new ValidationFailedError('The cursor is not valid', [
      { field: 'cursor', message: 'not a cursor from this API' },
    ]);
  }
  return position;
}
