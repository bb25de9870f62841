/**
 * The CLI's streams and environment, passed in rather than read from `process` so that commands
 * can be run in-process by tests. Writing respects back-pressure: a command waits for a slow
 * reader instead of buffering its whole output in memory.
 */

export interface CliIo {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Writes `text`, waiting for 'drain' when the stream asks the writer to slow down. */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
