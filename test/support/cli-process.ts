/**
 * Runs the built `brook` CLI (dist/cli/main.js) as a real process, as a person or a script
 * would: arguments, stdin, environment in; exit code, stdout, stderr and duration out. A run
 * that outlives its timeout is killed (by PID) and fails the test.
 */
import { spawn } from 'node:child_process';
import { CLI_PATH } from './broker-process.js';

export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

export interface CliRunOptions {
  readonly input?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export function brookCli(
  args: readonly string[],
  options: CliRunOptions = {},
): Promise<CliOutcome> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const startedMs = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `brook ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr:\n${Buffer.concat(stderr).toString()}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        elapsedMs: Date.now() - startedMs,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
