/**
 * A mistake in how the command was invoked that commander itself cannot see (a flag that needs
 * another, a date that does not parse). The CLI prints it with the command's usage and exits 2,
 * like commander's own usage errors.
 */
import type { Command } from 'commander';

export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly command: Command,
  ) {
    super(message);
  }
}
