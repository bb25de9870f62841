import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { FakeBroker } from '../client/fake-broker.js';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with `input` as stdin. */
async function cli(
  args: readonly string[],
  input = '',
  env: Record<string, string> = {},
): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['node', 'brook', ...args], {
    stdin: Readable.from([Buffer.from(input)]),
    stdout,
    stderr,
    env,
  });
  return { code, stdout: out, stderr: err };
}

describe('usage errors exit 2 with usage on stderr', () => {
  it('a command group without a subcommand prints its usage and exits 2', async () => {
    const outcome = await cli(['topic']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/Usage: brook topic/);
  });

  it.each([
    [['bogus']],
    [['topic', 'create']],
    [['topic', 'create', 't', '--partitions', 'abc']],
    [['topic', 'create', 't', '--partitions', '0']],
    [['topic', 'create', 't', '--config', 'novalue']],
    [['produce', 't', '--acks', 'some']],
    [['produce', 't', '--bogus-flag']],
    [['consume', 't', '--offset', '5']],
    [['consume', 't', '--from-beginning', '--offset', '5', '--partition', '0']],
    [['consume', 't', '--from-time', 'yesterday']],
    [['consume', 't', '--max-messages', '-1']],
    [['consume', 't', '--format', 'xml']],
    [['broker', 'start', '--id', 'one']],
    [['broker', 'start', '--listen', 'nowhere']],
    [['topic', 'list', '--bootstrap', 'not an address']],
  ])('%j', async (args) => {
    const outcome = await cli(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/error/);
    expect(outcome.stderr).toMatch(/Usage: brook/);
    expect(outcome.stdout).toBe('');
  });

  it('prints help with exit 0', async () => {
    const outcome = await cli(['consume', '--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/--from-beginning/);
    expect(outcome.stdout).toMatch(/key<TAB>value/);
  });
});

describe('against an in-memory broker', () => {
  let broker: FakeBroker;

  beforeAll(async () => {
    broker = await new FakeBroker().start();
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('creates, lists and describes a topic (bootstrap from BROOK_BOOTSTRAP)', async () => {
    const env = { BROOK_BOOTSTRAP: broker.address };
    const created = await cli(['topic', 'create', 'cli-topic', '--partitions', '3'], '', env);
    expect(created).toMatchObject({
      code: 0,
      stdout: 'created topic cli-topic (3 partitions, replication factor 1)\n',
    });
    expect((await cli(['topic', 'list'], '', env)).stdout).toContain('cli-topic\n');
    const described = await cli(['topic', 'describe', 'cli-topic', '--format', 'json'], '', env);
    const json = JSON.parse(described.stdout) as {
      name: string;
      partitions: { partition: number }[];
      configs: Record<string, string>;
    };
    expect(json.name).toBe('cli-topic');
    expect(json.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2]);
    expect(json.configs['max.message.bytes']).toBe('1048576');
  });

  it('produces lines with keys and consumes them back as JSON', async () => {
    broker.createTopic('lines', 2);
    const input = 'a:1\nb:2\nno-key\na:3\n';
    const produced = await cli(
      [
        'produce',
        'lines',
        '--key-separator',
        ':',
        '--header',
        'h=x',
        '--bootstrap',
        broker.address,
      ],
      input,
    );
    expect(produced).toMatchObject({ code: 0, stderr: 'produced 4 records to lines\n' });
    const consumed = await cli([
      'consume',
      'lines',
      '--from-beginning',
      '--max-messages',
      '4',
      '--format',
      'json',
      '--bootstrap',
      broker.address,
    ]);
    expect(consumed.code).toBe(0);
    const rows = consumed.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            key: string | null;
            value: string;
            headers: unknown[];
            partition: number;
          },
      );
    expect(rows.map((row) => `${row.key}=${row.value}`).sort()).toEqual([
      'a=1',
      'a=3',
      'b=2',
      'null=no-key',
    ]);
    expect(rows[0]?.headers).toEqual([{ key: 'h', value: 'x' }]);
    const aPartitions = new Set(rows.filter((row) => row.key === 'a').map((row) => row.partition));
    expect(aPartitions.size).toBe(1);
  });

  it('consume --timeout-ms exits 0 when nothing more comes; text format with keys', async () => {
    broker.createTopic('quiet', 1);
    await cli(['produce', 'quiet', '--key-separator', '=', '--bootstrap', broker.address], 'k=v\n');
    const started = Date.now();
    const consumed = await cli([
      'consume',
      'quiet',
      '--from-beginning',
      '--timeout-ms',
      '300',
      '--print-key',
      '--bootstrap',
      broker.address,
    ]);
    expect(consumed).toMatchObject({ code: 0, stdout: 'k\tv\n' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an unknown topic with exit 1 and no stack trace', async () => {
    const produced = await cli(['produce', 'missing', '--bootstrap', broker.address], 'x\n');
    expect(produced.code).toBe(1);
    expect(produced.stderr).toBe('error: unknown topic "missing"\n');
    const consumed = await cli(['consume', 'missing', '--bootstrap', broker.address]);
    expect(consumed.code).toBe(1);
    expect(consumed.stderr).toBe('error: unknown topic "missing"\n');
  });

  it('refuses a line above max.message.bytes with the sizes', async () => {
    broker.createTopic('small', 1);
    const produced = await cli(
      ['produce', 'small', '--bootstrap', broker.address],
      `${'x'.repeat(2 * 1024 * 1024)}\n`,
    );
    expect(produced.code).toBe(1);
    expect(produced.stderr).toMatch(
      /^error: record too large: about \d+ bytes as a batch, but topic "small" accepts batches of at most 1048576 bytes/,
    );
  });
});
