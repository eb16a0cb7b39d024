import type { Response } from 'express';

/**
 * Writes chunks to an HTTP response with backpressure: after a write the socket's buffer is
 * full, the next chunk is pulled only once it drains. Stops pulling (and closes the source, so
 * that it releases its database connection) when the client goes away. Resolves with what
 * happened; throws only if the source fails before anything was sent (the caller then answers
 * with a problem document), otherwise destroys the response so the client sees it truncated.
 */
export async function streamToResponse(
  chunks: AsyncGenerator<string | Buffer, void, undefined>,
  res: Response,
): Promise<{ completed: boolean; bytes: number }> {
  let bytes = 0;
  let gone = false;
  const onClose = () => {
    gone = true;
  };
  res.once('close', onClose);
  try {
    for await (const chunk of chunks) {
      if (gone || res.destroyed) break;
      bytes += Buffer.byteLength(chunk);
      if (!res.write(chunk)) await drained(res);
      if (gone || res.destroyed) break;
    }
    if (gone || res.destroyed) {
      await chunks.return(undefined);
      return { completed: false, bytes };
    }
    res.end();
    return { completed: true, bytes };
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return { completed: false, bytes };
  } finally {
    res.off('close', onClose);
  }
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
