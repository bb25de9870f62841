/**
 * The standard services every broker serves besides Brook's own: grpc.health.v1 (Kubernetes
 * probes) and server reflection (grpcurl without the proto files). Both are driven with clients
 * built from the standard proto files shipped in node_modules, not from Brook code, as grpcurl
 * or a probe would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig, DEFAULT_BROKER_CONFIG } from '../../src/server/config.js';
import { startBroker, type RunningBroker } from '../../src/server/run.js';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO_DIR = join(
  dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto',
);

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

type ClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => grpc.Client;

function serviceConstructor(file: string, includeDirs: string[], name: string): ClientConstructor {
  const definition = protoLoader.loadSync(file, { ...LOADER_OPTIONS, includeDirs });
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ClientConstructor;
}

const HealthClient = serviceConstructor(healthProtoPath, [], 'grpc.health.v1.Health');

interface HealthCheckResponse {
  readonly status: string;
}

interface ReflectionResponse {
  readonly list_services_response?: { readonly service: readonly { name: string }[] };
  readonly file_descriptor_response?: { readonly file_descriptor_proto: readonly Buffer[] };
  readonly error_response?: { readonly error_code: number; readonly error_message: string };
}

interface FileDescriptor {
  readonly name: string;
  readonly package: string;
  readonly messageType?: readonly { name: string; field?: readonly { name: string }[] }[];
  readonly service?: readonly {
    name: string;
    method: readonly { name: string; serverStreaming?: boolean; inputType: string }[];
  }[];
}

let dataDir: string;
let running: RunningBroker;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'brook-health-test-'));
  running = await startBroker(
    applyConfig(DEFAULT_BROKER_CONFIG, {
      dataDir,
      listen: '127.0.0.1:0',
      logLevel: 'silent',
      shutdownTimeoutMs: 5_000,
    }),
  );
});

afterAll(async () => {
  await running.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Health.Check through the client loaded from the standard health.proto. */
function healthCheck(client: grpc.Client, service: string): Promise<HealthCheckResponse> {
  const method = (client as unknown as Record<string, unknown>)['Check'] as (
    request: { service: string },
    options: grpc.CallOptions,
    callback: grpc.requestCallback<HealthCheckResponse>,
  ) => void;
  return new Promise((resolve, reject) => {
    method.call(client, { service }, { deadline: Date.now() + 5_000 }, (error, response) => {
      if (error !== null || response === undefined) reject(error ?? new Error('no response'));
      else resolve(response);
    });
  });
}

/** One request/response exchange on a ServerReflectionInfo stream (grpcurl's usage). */
async function reflect(
  version: 'v1' | 'v1alpha',
  requests: readonly Record<string, unknown>[],
): Promise<ReflectionResponse[]> {
  const Reflection = serviceConstructor(
    `grpc/reflection/${version}/reflection.proto`,
    [REFLECTION_PROTO_DIR],
    `grpc.reflection.${version}.ServerReflection`,
  );
  const client = new Reflection(running.address, grpc.credentials.createInsecure());
  try {
    const stream = (
      client as unknown as Record<
        string,
        () => grpc.ClientDuplexStream<unknown, ReflectionResponse>
      >
    )['ServerReflectionInfo']!.call(client);
    const responses: ReflectionResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (response: ReflectionResponse) => {
        responses.push(response);
        if (responses.length === requests.length) stream.end();
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (const request of requests) stream.write({ host: '', ...request });
    await done;
    return responses;
  } finally {
    client.close();
  }
}

function decodeFiles(response: ReflectionResponse | undefined): FileDescriptor[] {
  const files = response?.file_descriptor_response?.file_descriptor_proto ?? [];
  return files.map(
    (bytes) =>
      descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes), {
        defaults: false,
      }) as FileDescriptor,
  );
}

describe('grpc.health.v1', () => {
  it('answers SERVING for the server and for each Brook service', async () => {
    // Goal: Kubernetes gRPC probes (service "" or a named service) see a ready broker.
    const client = new HealthClient(running.address, grpc.credentials.createInsecure());
    try {
      for (const service of ['', 'brook.v1.DataService', 'brook.v1.AdminService']) {
        expect(await healthCheck(client, service), service).toEqual({ status: 'SERVING' });
      }
      const unknown = await healthCheck(client, 'no.such.Service').catch((error: unknown) => error);
      expect((unknown as grpc.ServiceError).code).toBe(grpc.status.NOT_FOUND);
    } finally {
      client.close();
    }
  });
});

describe('server reflection', () => {
  for (const version of ['v1', 'v1alpha'] as const) {
    it(`lists the services (${version})`, async () => {
      // Goal: `grpcurl list` shows Brook's services and the health service.
      const [response] = await reflect(version, [{ list_services: '' }]);
      const names = response?.list_services_response?.service.map((service) => service.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'brook.v1.DataService',
          'brook.v1.AdminService',
          'grpc.health.v1.Health',
        ]),
      );
    });
  }

  it('returns a file descriptor for brook.v1.DataService', async () => {
    // Goal: `grpcurl describe brook.v1.DataService` works without the proto files. (proto-loader
    // describes a package as one synthetic file, so files are found by content, not by name.)
    const [response] = await reflect('v1', [{ file_containing_symbol: 'brook.v1.DataService' }]);
    expect(response?.error_response).toBeUndefined();
    const files = decodeFiles(response);
    const data = files.find((file) =>
      file.service?.some((candidate) => candidate.name === 'DataService'),
    );
    expect(data?.package).toBe('brook.v1');
    const service = data?.service?.find((candidate) => candidate.name === 'DataService');
    expect(service?.method.map((method) => method.name)).toEqual([
      'Produce',
      'Fetch',
      'Subscribe',
      'ListOffsets',
      'GetMetadata',
    ]);
    const subscribe = service?.method.find((method) => method.name === 'Subscribe');
    expect(subscribe?.serverStreaming).toBe(true);
    expect(subscribe?.inputType).toBe('.brook.v1.SubscribeRequest');
    // The request and record types come along, so grpcurl can build and print messages.
    const messages = files.flatMap((file) => file.messageType ?? []).map((message) => message.name);
    expect(messages).toEqual(
      expect.arrayContaining(['SubscribeRequest', 'Record', 'RecordHeader']),
    );
  });

  it('answers NOT_FOUND for an unknown symbol', async () => {
    // Goal: a typo in grpcurl gets an error response, not a hang or a dropped stream.
    const [response] = await reflect('v1', [{ file_containing_symbol: 'brook.v1.NoSuchThing' }]);
    expect(response?.error_response?.error_code).toBe(grpc.status.NOT_FOUND);
  });

  it('describes a message type and the admin service by symbol', async () => {
    // Goal: `grpcurl describe brook.v1.ProduceRequest` shows its fields.
    const [produce, admin] = await reflect('v1alpha', [
      { file_containing_symbol: 'brook.v1.ProduceRequest' },
      { file_containing_symbol: 'brook.v1.AdminService' },
    ]);
    const request = decodeFiles(produce)
      .flatMap((file) => file.messageType ?? [])
      .find((message) => message.name === 'ProduceRequest');
    expect(request?.field?.map((field) => field.name)).toEqual([
      'topic',
      'partition',
      'acks',
      'timeout_ms',
      'batches',
      'records',
    ]);
    const adminService = decodeFiles(admin)
      .flatMap((file) => file.service ?? [])
      .find((service) => service.name === 'AdminService');
    expect(adminService?.method.map((method) => method.name)).toContain('CreateTopic');
  });
});

describe('health after shutdown', () => {
  it('goes NOT_SERVING for watchers, then is unavailable once stopped', async () => {
    // Goal: a load balancer watching health drains the broker before it goes away.
    const client = new HealthClient(running.address, grpc.credentials.createInsecure());
    const watch = (
      client as unknown as Record<
        string,
        (request: { service: string }) => grpc.ClientReadableStream<HealthCheckResponse>
      >
    )['Watch']!.call(client, { service: '' });
    const statuses: string[] = [];
    const watchEnded = new Promise<void>((resolve) => {
      watch.on('data', (response: HealthCheckResponse) => statuses.push(response.status));
      watch.on('error', () => resolve());
      watch.on('end', () => resolve());
    });
    await expect.poll(() => statuses).toEqual(['SERVING']);

    const started = Date.now();
    await running.stop();
    const stopMs = Date.now() - started;
    await watchEnded;
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    // An open Watch stream must not hold the shutdown for the whole shutdownTimeoutMs.
    expect(stopMs).toBeLessThan(4_000);

    const failed = await healthCheck(client, '').catch((error: unknown) => error);
    expect((failed as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    client.close();
  });
});
