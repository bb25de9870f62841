/**
 * Acceptance: "a client generated from proto/ in another language (no Brook code, only the proto
 * files) creates a topic, produces plain records and fetches them back". The client is
 * test/polyglot/python_client.py: it generates Python stubs with protoc + grpc_python_plugin at
 * test time and talks to an in-process broker; this test asserts on the JSON summary it prints.
 *
 * Needs Debian's protobuf-compiler, protobuf-compiler-grpc, python3-grpcio and python3-protobuf,
 * used through /usr/bin/python3 (a `python3` earlier on PATH, e.g. pyenv, may lack grpc). When
 * they are missing the test is skipped, unless BROOK_REQUIRE_PYTHON_CLIENT=1 (CI) makes that a
 * failure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_ROOT } from '../../src/protocol/grpc.js';
import { applyConfig, DEFAULT_BROKER_CONFIG } from '../../src/server/config.js';
import { startBroker, type RunningBroker } from '../../src/server/run.js';
import { PROJECT_ROOT } from '../support/broker-process.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(PROJECT_ROOT, 'test/polyglot/python_client.py');
const required = process.env['BROOK_REQUIRE_PYTHON_CLIENT'] === '1';

/** What is missing to run the Python client; empty when everything is there. */
function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const runs = (command: string, args: string[]): boolean => {
    const result = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return result.error === undefined && result.status === 0;
  };
  if (!runs('protoc', ['--version'])) missing.push('protoc (protobuf-compiler)');
  if (!runs('sh', ['-c', 'command -v grpc_python_plugin'])) {
    missing.push('grpc_python_plugin (protobuf-compiler-grpc)');
  }
  if (!runs(PYTHON, ['-c', 'import grpc, google.protobuf'])) {
    missing.push(`${PYTHON} with grpc and protobuf (python3-grpcio, python3-protobuf)`);
  }
  return missing;
}

const missing = missingPrerequisites();
const skip = missing.length > 0 && !required;
const skipReason = `skipped: missing ${missing.join(', ')}; set BROOK_REQUIRE_PYTHON_CLIENT=1 to fail instead`;
if (skip) console.warn(`python-client.test.ts ${skipReason}`);

interface PythonSummary {
  readonly topic: { name: string; partitions: number; configs: Record<string, string> };
  readonly produced: { baseOffset: number; lastOffset: number; recordCount: number };
  readonly fetched: {
    highWatermark: number;
    nextOffset: number;
    records: {
      offset: number;
      timestampMs: number;
      key: string | null;
      value: string | null;
      headers: { key: string; value: string | null }[];
    }[];
  };
  readonly offsets: {
    latest: { partition: number; offset: number; timestampMs: number }[];
    earliest: { partition: number; offset: number; timestampMs: number }[];
  };
  readonly unknownTopic: {
    failed: boolean;
    status?: string;
    details?: string;
    brookErrorCode?: string;
    hasStatusDetails?: boolean;
  };
  readonly failures: string[];
}

const b64 = (value: string): string => Buffer.from(value).toString('base64');

describe('a Python client generated from proto/', () => {
  let dataDir: string;
  let running: RunningBroker | undefined;

  beforeAll(async () => {
    if (skip) return;
    dataDir = mkdtempSync(join(tmpdir(), 'brook-python-test-'));
    running = await startBroker(
      applyConfig(DEFAULT_BROKER_CONFIG, { dataDir, listen: '127.0.0.1:0', logLevel: 'silent' }),
    );
  });

  afterAll(async () => {
    await running?.stop();
    if (!skip) rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(skip)(
    `creates a topic, produces plain records and fetches them back${skip ? ` (${skipReason})` : ''}`,
    async () => {
      // Goal: the proto files alone are a usable contract for another language, errors included.
      expect(missing, `prerequisites missing (BROOK_REQUIRE_PYTHON_CLIENT=1)`).toEqual([]);
      const address = running?.address ?? '';
      // Asynchronous: the broker runs in this process and must keep serving while Python runs.
      const { stdout } = await promisify(execFile)(
        PYTHON,
        [SCRIPT, '--address', address, '--proto-dir', PROTO_ROOT, '--topic', 'polyglot.python'],
        { timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      ).catch((error: unknown) => {
        const failed = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(
          `python client failed: ${failed.message}\nstdout:\n${failed.stdout ?? ''}\nstderr:\n${failed.stderr ?? ''}`,
        );
      });
      const summary = JSON.parse(stdout) as PythonSummary;

      expect(summary.failures).toEqual([]);
      expect(summary.topic).toMatchObject({
        name: 'polyglot.python',
        partitions: 2,
        configs: { 'retention.ms': '3600000' },
      });
      expect(summary.produced).toEqual({ baseOffset: 0, lastOffset: 3, recordCount: 4 });
      expect(summary.fetched.highWatermark).toBe(4);
      expect(summary.fetched.nextOffset).toBe(4);
      expect(summary.fetched.records.map(({ timestampMs: _, ...record }) => record)).toEqual([
        {
          offset: 0,
          key: b64('key-1'),
          value: b64('value-1'),
          headers: [
            { key: 'trace', value: b64('abc') },
            { key: 'no-value', value: null },
          ],
        },
        { offset: 1, key: b64('key-2'), value: null, headers: [] },
        { offset: 2, key: '', value: '', headers: [] },
        { offset: 3, key: null, value: b64('snow \u2603'), headers: [] },
      ]);
      expect(summary.fetched.records[2]?.timestampMs).toBe(1_700_000_000_000);
      expect(summary.offsets.latest).toEqual([
        { partition: 0, offset: 0, timestampMs: -1 },
        { partition: 1, offset: 4, timestampMs: -1 },
      ]);
      expect(summary.offsets.earliest).toEqual([{ partition: 1, offset: 0, timestampMs: -1 }]);
      expect(summary.unknownTopic).toMatchObject({
        failed: true,
        status: 'NOT_FOUND',
        brookErrorCode: 'UNKNOWN_TOPIC',
        hasStatusDetails: true,
      });
      expect(summary.unknownTopic.details).toContain('polyglot.python.missing');

      // The records are really in the broker, not just echoed by the script.
      const partition = running?.broker.partition('polyglot.python', 1);
      expect(partition?.highWatermark).toBe(4);
    },
  );
});
