#!/usr/bin/env node
/**
 * The `brook` executable (package.json "bin" → dist/cli/main.js). Runs the CLI on the process's
 * arguments and streams, then lets the process end on its own once the command has closed
 * everything; should a stray handle keep it alive, an unreferenced timer ends it a moment later.
 */
import { runCli } from './program.js';

const GRACE_MS = 2_000;

const code = await runCli(process.argv, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
setTimeout(() => process.exit(code), GRACE_MS).unref();
