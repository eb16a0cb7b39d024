import { once } from 'node:events';
import { DatabaseError, type Client, type ClientBase } from 'pg';

/**
 * COPY through a `pg` client without another dependency: a "submittable" (the interface
 * `pg` offers for custom protocol flows, as pg-copy-streams uses) speaking the COPY
 * sub-protocol. Text format: one row per line, columns separated by tabs, `\N` for NULL and
 * backslash escapes (see `copyTextField` and `splitCopyLine`).
 */

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.ReadWriteStream & { writableNeedDrain?: boolean };
}

abstract class CopySubmittable {
  callback?: (error: Error | null, rowCount?: number) => void;
  protected error: Error | null = null;
  private rowCount = 0;
  private settled = false;
  readonly done: Promise<number>;
  private settle!: { resolve: (n: number) => void; reject: (e: Error) => void };

  constructor(readonly text: string) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('this COPY does not read from the client');
  }

  handleCopyData(_message: { chunk: Buffer }, _connection: PgConnection): void {
    // COPY FROM receives no data
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /(\d+)$/.exec(message.text ?? '');
    this.rowCount = match ? Number(match[1]) : 0;
  }

  handleError(error: Error): void {
    this.error ??= error;
    // An error the server sent is followed by ReadyForQuery; a dead connection sends nothing more.
    if (!(error instanceof DatabaseError)) this.handleReadyForQuery();
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.callback?.(this.error, this.rowCount);
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve(this.rowCount);
  }

  // Messages a COPY never produces, present for the submittable interface.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

class CopyFrom extends CopySubmittable {
  constructor(
    text: string,
    private readonly source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  ) {
    super(text);
  }

  override handleCopyInResponse(connection: PgConnection): void {
    void this.pump(connection);
  }

  private async pump(connection: PgConnection): Promise<void> {
    try {
      for await (const chunk of this.source) {
        connection.sendCopyFromChunk(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (error) {
      this.error = error as Error;
      connection.sendCopyFail(String((error as Error).message ?? error));
    }
  }
}

class CopyTo extends CopySubmittable {
  constructor(
    text: string,
    private readonly onRow: (line: Buffer) => void,
  ) {
    super(text);
  }

  override handleCopyData(message: { chunk: Buffer }): void {
    if (this.error) return;
    try {
      this.onRow(message.chunk);
    } catch (error) {
      // Stop consuming; the server still sends the rest, which is ignored, then ReadyForQuery.
      this.error = error as Error;
    }
  }
}

/** `COPY … FROM STDIN` fed from `source` (text chunks, each ending in a newline); resolves to the row count. */
export async function copyFrom(
  client: ClientBase,
  sql: string,
  source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
): Promise<number> {
  const copy = new CopyFrom(sql, source);
  void client.query(copy as never);
  return copy.done;
}

/**
 * `COPY … TO STDOUT`: `onRow` receives each row (text format, with its trailing newline) as
 * the server sends it. Processing synchronously inside `onRow` applies TCP back-pressure, so
 * memory stays flat however many rows there are.
 */
export async function copyTo(client: ClientBase, sql: string, onRow: (line: Buffer) => void): Promise<number> {
  const copy = new CopyTo(sql, onRow);
  void client.query(copy as never);
  return copy.done;
}

/** Output chunks of a streamed COPY are about this size; the socket pauses beyond `HIGH_WATER` queued. */
const CHUNK_BYTES = 64 * 1024;
const HIGH_WATER = 8 * CHUNK_BYTES;

/**
 * How a streamed COPY writes each row: as the server sent it, with its final LF as CRLF, or as a
 * JSON line (`json`, for rows in COPY's text format).
 */
export type CopyOutRows = { crlf?: boolean; json?: CopyTextJsonLines };

/**
 * COPY TO STDOUT read as a stream of chunks for a consumer that writes somewhere slower than
 * the server sends (an HTTP response). The server sends one row per CopyData message; rows are
 * copied at once into chunks of about 64 KiB (`pg` reuses its read buffer, so a row cannot be
 * kept as it arrives), as `CopyOutRows` says. While more than `HIGH_WATER` bytes wait for the
 * consumer, the connection's socket is paused, so the server blocks in its write and memory
 * stays bounded.
 */
class CopyOut extends CopySubmittable {
  private connection?: PgConnection;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private ready: Buffer[] = [];
  private readyBytes = 0;
  private paused = false;
  private finished = false;
  private wake: (() => void) | null = null;

  constructor(
    text: string,
    private readonly rows: CopyOutRows,
  ) {
    super(text);
    const finish = () => {
      this.finished = true;
      this.notify();
    };
    this.done.then(finish, finish);
  }

  override submit(connection: PgConnection): void {
    this.connection = connection;
    super.submit(connection);
  }

  override handleCopyData(message: { chunk: Buffer }): void {
    if (this.error) return;
    const row = message.chunk;
    const ends = row[row.length - 1] === 0x0a;
    try {
      if (this.rows.json) {
        this.reserve(this.rows.json.maxBytes(row.length));
        this.used = this.rows.json.write(row, ends ? row.length - 1 : row.length, this.chunk, this.used);
      } else if (this.rows.crlf && ends) {
        this.reserve(row.length + 1);
        row.copy(this.chunk, this.used, 0, row.length - 1);
        this.chunk[this.used + row.length - 1] = 0x0d;
        this.chunk[this.used + row.length] = 0x0a;
        this.used += row.length + 1;
      } else {
        this.reserve(row.length);
        row.copy(this.chunk, this.used);
        this.used += row.length;
      }
    } catch (error) {
      // Stop consuming; the server still sends the rest, which is ignored, then ReadyForQuery.
      this.error = error as Error;
    }
  }

  /** Room for `bytes` more in the chunk being filled (a new chunk, large enough, if needed). */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return;
    this.flush();
    if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes);
  }

  /** Moves the chunk being filled to the consumer's queue; pauses the socket when the queue is long. */
  private flush(): void {
    if (this.used === 0) return;
    this.ready.push(this.chunk.subarray(0, this.used));
    this.readyBytes += this.used;
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    if (this.readyBytes >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.connection?.stream.pause();
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      if (this.ready.length > 0) {
        const next = this.ready.shift()!;
        this.readyBytes -= next.length;
        if (this.paused && this.readyBytes < HIGH_WATER / 2) {
          this.paused = false;
          this.connection?.stream.resume();
        }
        yield next;
      } else if (this.finished) {
        await this.done;
        this.flush();
        if (this.ready.length === 0) return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }
}

/**
 * `COPY … TO STDOUT` as chunks of about 64 KiB, pulled by the consumer (see `CopyOut`). With
 * `crlf`, each row ends in CRLF instead of LF (COPY's CSV writes LF; RFC 4180 wants CRLF; a line
 * break inside a quoted field is data and stays as it is); with `json`, each row becomes a JSON
 * line. If the consumer stops before the end (or the statement fails), the client is ended: `pg`
 * closes a connection whose statement is still running, and the server abandons the statement
 * when its next write fails. A pooled client must then be released as broken.
 */
export async function* copyOut(
  client: Client,
  sql: string,
  rows: CopyOutRows = {},
): AsyncGenerator<Buffer, void, undefined> {
  const copy = new CopyOut(sql, rows);
  void client.query(copy as never);
  let completed = false;
  try {
    yield* copy.chunks();
    completed = true;
  } finally {
    if (!completed) await client.end().catch(() => undefined);
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field in COPY text format (null → `\N`). */
export function copyTextField(value: string | number | bigint | boolean | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]) : text;
}

/** Splits one COPY text-format line (without or with its newline) into fields; `\N` becomes null. */
export function splitCopyLine(line: string): Array<string | null> {
  const end = line.endsWith('\n') ? line.length - 1 : line.length;
  const fields: Array<string | null> = [];
  let start = 0;
  for (;;) {
    let tab = line.indexOf('\t', start);
    if (tab < 0 || tab > end) tab = end;
    const raw = line.slice(start, tab);
    fields.push(raw === '\\N' ? null : raw.includes('\\') ? unescapeCopy(raw) : raw);
    if (tab >= end) return fields;
    start = tab + 1;
  }
}

function unescapeCopy(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, c: string) => {
    switch (c[0]) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(parseInt(c.slice(1), 16));
      default:
        return /^[0-7]/.test(c) ? String.fromCharCode(parseInt(c, 8)) : c;
    }
  });
}

/**
 * Turns COPY text-format rows into JSON object lines, byte by byte, into the output buffer: one
 * pass, no string per row or field. The fields are named by `keys` in order: `\N` becomes null;
 * a `numeric` field is written as it is (a number's text); any other becomes a JSON string.
 * COPY's escapes `\\ \b \f \n \r \t` are also JSON's and are copied as they are; a double quote,
 * `\v` and the control characters COPY writes raw are escaped for JSON.
 */
export class CopyTextJsonLines {
  /** `{"key":` for the first field, `,"key":` for the others, as UTF-8. */
  private readonly prefixes: Buffer[];
  private readonly fixedBytes: number;

  constructor(
    keys: readonly string[],
    private readonly numeric: readonly boolean[],
  ) {
    this.prefixes = keys.map((key, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`));
    // Each field's prefix, "null" or two quotes, the closing brace and the newline.
    this.fixedBytes = this.prefixes.reduce((n, p) => n + p.length + 4, 2);
  }

  /** The most bytes `write` can produce for a row of `length` bytes (a control character becomes 6). */
  maxBytes(length: number): number {
    return this.fixedBytes + length * 6;
  }

  /** Writes the JSON line of `row[0, end)` (a COPY text row without its LF) at `out[at]`; returns where it ends. */
  write(row: Buffer, end: number, out: Buffer, at: number): number {
    let o = at;
    let i = 0;
    for (let f = 0; f < this.prefixes.length; f++) {
      const prefix = this.prefixes[f];
      for (let p = 0; p < prefix.length; p++) out[o++] = prefix[p];
      let stop = row.indexOf(0x09, i);
      if (stop < 0 || stop > end) stop = end;
      if (stop - i === 2 && row[i] === 0x5c && row[i + 1] === 0x4e) {
        o += out.write('null', o, 'latin1');
      } else if (this.numeric[f]) {
        while (i < stop) out[o++] = row[i++];
      } else {
        out[o++] = 0x22;
        while (i < stop) {
          const b = row[i++];
          if (b === 0x5c) {
            const next = row[i++];
            if (next === 0x76) {
              o += out.write('\\u000b', o, 'latin1');
            } else {
              out[o++] = 0x5c;
              out[o++] = next;
            }
          } else if (b === 0x22) {
            out[o++] = 0x5c;
            out[o++] = 0x22;
          } else if (b < 0x20) {
            o += out.write(`\\u00${b < 0x10 ? '0' : ''}${b.toString(16)}`, o, 'latin1');
          } else {
            out[o++] = b;
          }
        }
        out[o++] = 0x22;
      }
      i = stop + 1;
    }
    out[o++] = 0x7d;
    out[o++] = 0x0a;
    return o;
  }
}
