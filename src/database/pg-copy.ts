import { once } from 'node:events';
import type { ClientBase } from 'pg';

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
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

abstract class CopySubmittable {
  callback?: (error: Error | null, rowCount?: number) => void;
  protected error: Error | null = null;
  private rowCount = 0;
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
  }

  handleReadyForQuery(): void {
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
