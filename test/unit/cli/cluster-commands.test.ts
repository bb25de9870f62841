/**
 * The cluster-facing CLI, in process: `broker start --peers` parsing (usage errors exit 2),
 * `cluster status`, `topic alter --partitions`, `partition reassign` against the in-memory fake
 * broker, and `brook health` against a bare gRPC health service.
 */
import { PassThrough, Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { Command } from 'commander';
import { HealthImplementation } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  brokerStartOptions,
  runBrokerOptions,
  withEnvironment,
} from '../../../src/cli/commands/broker.js';
import { runCli } from '../../../src/cli/program.js';
import { brokerIdList, peerList } from '../../../src/cli/parse.js';
import { FakeBroker } from '../client/fake-broker.js';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['node', 'brook', ...args], {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env,
  });
  return { code, stdout: out, stderr: err };
}

describe('broker start --peers', () => {
  /** Parses a `broker start` command line as the CLI does, without starting anything. */
  function parseStart(args: readonly string[]): ReturnType<typeof runBrokerOptions> {
    const command = brokerStartOptions(new Command('start').exitOverride());
    command.parse([...args], { from: 'user' });
    return runBrokerOptions(command.opts());
  }

  it('passes the parsed voters, the advertised address and the rest to runBroker', () => {
    expect(
      parseStart([
        '--id',
        '2',
        '--data',
        '/var/lib/brook',
        '--listen',
        '0.0.0.0:9092',
        '--advertised-address',
        'brook-1.brook:9092',
        '--peers',
        '1@brook-0.brook:9092,2@brook-1.brook:9092,3@brook-2.brook:9092',
      ]),
    ).toEqual({
      id: 2,
      dataDir: '/var/lib/brook',
      listen: '0.0.0.0:9092',
      advertisedAddress: 'brook-1.brook:9092',
      peers: [
        { id: 1, address: 'brook-0.brook:9092' },
        { id: 2, address: 'brook-1.brook:9092' },
        { id: 3, address: 'brook-2.brook:9092' },
      ],
    });
  });

  it('leaves out what was not given', () => {
    expect(parseStart([])).toEqual({});
  });

  it.each([
    ['1@127.0.0.1:9092,1@127.0.0.1:9093', /appears twice/],
    ['1@127.0.0.1:9092,2@127.0.0.1:9092', /appears twice/],
    ['127.0.0.1:9092', /not ID@HOST:PORT/],
    ['a@127.0.0.1:9092', /not ID@HOST:PORT/],
    ['1@127.0.0.1', /not ID@HOST:PORT/],
    ['1@127.0.0.1:70000', /not ID@HOST:PORT/],
    ['1@127.0.0.1:9092,', /not ID@HOST:PORT/],
    ['-1@host:1', /not ID@HOST:PORT/],
  ])('refuses %j', (value, message) => {
    expect(() => peerList(value)).toThrow(message);
  });

  it.each([
    [['broker', 'start', '--peers', '1@127.0.0.1']],
    [['broker', 'start', '--peers', '1@h:1,1@h:2']],
    [['broker', 'start', '--advertised-address', 'nowhere']],
    [['partition', 'reassign', 'events', '0']],
    [['partition', 'reassign', 'events', 'zero', '--replicas', '1,2']],
    [['partition', 'reassign', 'events', '0', '--replicas', '1,1']],
    [['partition', 'reassign', 'events', '0', '--replicas', 'a,b']],
    [['topic', 'alter', 'events']],
    [['topic', 'alter', 'events', '--partitions', '0']],
    [['cluster', 'up', '--nodes', '0']],
    [['cluster', 'up', '--base-port', '70000']],
    [['cluster', 'status', '--format', 'xml']],
    [['health', 'not-an-address']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const outcome = await cli(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/error/);
    expect(outcome.stderr).toMatch(/Usage: brook/);
  });

  it('takes flags left out from the environment, checked like flags', async () => {
    const command = brokerStartOptions(new Command('start').exitOverride());
    command.parse(['--id', '7'], { from: 'user' });
    expect(
      withEnvironment(
        command.opts(),
        { BROOK_BROKER_ID: '9', BROOK_PEERS: '7@h:1', BROOK_DATA_DIR: '' },
        command,
      ),
    ).toEqual({ id: 7, peers: [{ id: 7, address: 'h:1' }] });
    const outcome = await cli(['broker', 'start'], { BROOK_PEERS: '1@h' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^error: environment variable BROOK_PEERS="1@h" is invalid/);
  });

  it('parses replica lists', () => {
    expect(brokerIdList('1,2,4')).toEqual([1, 2, 4]);
    expect(brokerIdList(' 3 ')).toEqual([3]);
  });
});

describe('cluster commands against an in-memory broker', () => {
  let broker: FakeBroker;
  let env: Record<string, string>;

  beforeAll(async () => {
    broker = await new FakeBroker().start();
    env = { BROOK_BOOTSTRAP: broker.address };
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('cluster status prints brokers, the controller and partition health', async () => {
    const text = await cli(['cluster', 'status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        'cluster fake',
        'controller: broker 1',
        'brokers:',
        `  1  ${broker.address}  alive`,
        'partitions: 0 offline, 0 under-replicated',
        '',
      ].join('\n'),
    );
    const json = await cli(['cluster', 'status', '--format', 'json'], env);
    expect(JSON.parse(json.stdout)).toEqual({
      clusterId: 'fake',
      controllerId: 1,
      controllerVoters: [],
      brokers: [{ id: 1, address: broker.address, alive: true }],
      offlinePartitions: 0,
      underReplicatedPartitions: 0,
    });
  });

  it('topic alter --partitions grows a topic and refuses to shrink it', async () => {
    broker.createTopic('growing', 2);
    const grown = await cli(['topic', 'alter', 'growing', '--partitions', '5'], env);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(/^topic growing: 5 partitions/);
    const shrink = await cli(['topic', 'alter', 'growing', '--partitions', '3'], env);
    expect(shrink).toMatchObject({
      code: 1,
      stderr: 'error: topic growing has 5 partitions; partitions can be added, never removed\n',
    });
    const same = await cli(['topic', 'alter', 'growing', '--partitions', '5'], env);
    expect(same.code).toBe(0);
  });

  it('topic describe --format json shows every per-partition field', async () => {
    broker.createTopic('described', 1);
    const described = await cli(['topic', 'describe', 'described', '--format', 'json'], env);
    const json = JSON.parse(described.stdout) as { partitions: Record<string, unknown>[] };
    expect(json.partitions[0]).toEqual({
      partition: 0,
      leader: 1,
      replicas: [1],
      isr: [1],
      leaderEpoch: 1,
      highWatermark: 0,
      logStartOffset: 0,
    });
  });

  it('partition reassign records the new replicas, and --wait follows the move', async () => {
    broker.createTopic('moving', 1);
    const recorded = await cli(['partition', 'reassign', 'moving', '0', '--replicas', '1'], env);
    expect(recorded).toMatchObject({
      code: 0,
      stdout: 'reassigning moving-0 to replicas [1]; follow it with: brook topic describe moving\n',
    });
    const waited = await cli(
      ['partition', 'reassign', 'moving', '0', '--replicas', '1', '--wait'],
      env,
    );
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain('moving-0: replicas [1], isr [1], leader 1\n');
    const missing = await cli(['partition', 'reassign', 'nope', '0', '--replicas', '1'], env);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: unknown topic "nope"\n' });
  });
});

describe('brook health', () => {
  let server: grpc.Server;
  let health: HealthImplementation;
  let address: string;

  beforeAll(async () => {
    server = new grpc.Server();
    health = new HealthImplementation({ '': 'SERVING' });
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => {
    server.forceShutdown();
  });

  it('exits 0 and prints SERVING for a serving broker', async () => {
    expect(await cli(['health', address])).toEqual({ code: 0, stdout: 'SERVING\n', stderr: '' });
    // The address defaults to the first of BROOK_BOOTSTRAP.
    const fromEnv = await cli(['health'], { BROOK_BOOTSTRAP: `${address},127.0.0.1:1` });
    expect(fromEnv.code).toBe(0);
  });

  it('exits 1 when the broker is not serving, or does not answer', async () => {
    health.setStatus('', 'NOT_SERVING');
    expect(await cli(['health', address])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${address} is NOT_SERVING\n`,
    });
    health.setStatus('', 'SERVING');
    const unknown = await cli(['health', address, '--service', 'no.such.Service']);
    expect(unknown.code).toBe(1);
    const nobody = await cli(['health', '127.0.0.1:1', '--timeout-ms', '2000']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/^error: 127\.0\.0\.1:1 did not answer/);
  });
});
