/**
 * The controller's gRPC edges over loopback: ControllerService (server/controller-service.ts)
 * reached through the runtime client (runtime/controller-client.ts), Brook error codes and the
 * leader hint surviving the trip, and public admin calls forwarded to the controller leader
 * (server/admin-forwarding.ts + runtime/admin-forwarder.ts), never twice.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  heartbeatToProto,
  leaderHintOf,
  replyFromProto,
  transferToProto,
} from '../../src/cluster/controller-rpc.js';
import type { BrokerHeartbeat, HeartbeatReply } from '../../src/cluster/controller-rpc.js';
import { LeaderTableAggregator } from '../../src/cluster/leader-table.js';
import { BrookError } from '../../src/protocol/errors.js';
import { loadBrookProto } from '../../src/protocol/grpc.js';
import type { AdminServiceHandlers } from '../../src/protocol/gen/brook/v1/AdminService.js';
import type { AdminServiceClient } from '../../src/protocol/gen/brook/v1/AdminService.js';
import type { CreateTopicResponse__Output } from '../../src/protocol/gen/brook/v1/CreateTopicResponse.js';
import { GrpcAdminForwarder } from '../../src/runtime/admin-forwarder.js';
import { GrpcControllerClient } from '../../src/runtime/controller-client.js';
import { forwardingAdminService } from '../../src/server/admin-forwarding.js';
import { addControllerService } from '../../src/server/controller-service.js';
import { unary } from '../../src/server/handlers.js';
import { asBrokerId } from '../../src/util/brand.js';
import type { BrokerId } from '../../src/util/brand.js';
import { silentLogger } from '../../src/util/ports.js';

const servers: grpc.Server[] = [];
const closers: (() => void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await Promise.all(
    servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.tryShutdown(() => resolve()))),
  );
});

async function listen(server: grpc.Server): Promise<string> {
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return `127.0.0.1:${port}`;
}

class StubController {
  leading = true;
  readonly table = new LeaderTableAggregator(4);
  handleHeartbeat(heartbeat: BrokerHeartbeat): HeartbeatReply {
    if (!this.leading) {
      throw new BrookError('NOT_LEADER', 'broker 2 leads', { details: { leader: '2' } });
    }
    this.table.report(heartbeat.broker, heartbeat.partitions);
    return {
      controllerId: asBrokerId(1),
      clusterId: 'c-1',
      table: this.table.deltaSince(heartbeat.seen),
    };
  }
  handleTransferLeadership(): { accepted: boolean; reason: string } {
    return { accepted: false, reason: 'not the leader of t/0' };
  }
}

describe('ControllerService over gRPC', () => {
  it('carries heartbeats, leader tables, NOT_LEADER hints and transfers', async () => {
    const controller = new StubController();
    const server = new grpc.Server();
    addControllerService(server, controller, silentLogger);
    const address = await listen(server);
    const client = new GrpcControllerClient();
    closers.push(() => client.close());
    const heartbeat: BrokerHeartbeat = {
      broker: asBrokerId(3),
      address: 'h3:1',
      clusterId: null,
      partitions: [
        {
          topicId: 't',
          topic: 'orders',
          partition: 0,
          leader: asBrokerId(3),
          leaderEpoch: 7,
          replicas: [asBrokerId(3), asBrokerId(1)],
          isr: [asBrokerId(3)],
          highWatermark: 2 ** 40,
          logStartOffset: 5,
          sizeBytes: 1024,
        },
      ],
      seen: { epoch: 0, version: 0 },
    };
    const reply = replyFromProto(
      await client.heartbeat(address, heartbeatToProto(heartbeat), 2_000),
    );
    expect(reply).toEqual({
      controllerId: 1,
      clusterId: 'c-1',
      table: { epoch: 4, version: 1, full: true, changed: heartbeat.partitions, removed: [] },
    });
    controller.leading = false;
    const error = await client
      .heartbeat(address, heartbeatToProto(heartbeat), 2_000)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BrookError);
    expect((error as BrookError).code).toBe('NOT_LEADER');
    expect(leaderHintOf(error)).toBe(2);
    const transfer = await client.transferLeadership(
      address,
      transferToProto({
        topicId: 't',
        partition: 0,
        target: asBrokerId(1),
        controllerId: asBrokerId(1),
      }),
      2_000,
    );
    expect(transfer).toEqual({ accepted: false, reason: 'not the leader of t/0' });
  });
});

describe('admin forwarding', () => {
  function adminHandlers(name: string): AdminServiceHandlers {
    const fail = () => Promise.reject(new BrookError('INVALID_REQUEST', 'not in this test'));
    return {
      CreateTopic: unary('CreateTopic', silentLogger, (request) =>
        Promise.resolve({
          topic: {
            name: `${request.name}@${name}`,
            replicationFactor: 1,
            partitions: [],
            configs: [],
          },
        }),
      ),
      DeleteTopic: unary('DeleteTopic', silentLogger, () =>
        Promise.reject(new BrookError('UNKNOWN_TOPIC', `no such topic on ${name}`)),
      ),
      ListTopics: unary('ListTopics', silentLogger, fail),
      DescribeTopic: unary('DescribeTopic', silentLogger, fail),
      AlterTopicConfig: unary('AlterTopicConfig', silentLogger, fail),
      DescribeCluster: unary('DescribeCluster', silentLogger, fail),
      CreatePartitions: unary('CreatePartitions', silentLogger, fail),
      ReassignPartition: unary('ReassignPartition', silentLogger, fail),
    };
  }

  async function broker(
    id: number,
    routing: { leading: boolean; leader: number | null; addresses: Map<number, string> },
  ): Promise<string> {
    const forwarder = new GrpcAdminForwarder();
    closers.push(() => forwarder.close());
    const server = new grpc.Server();
    server.addService(
      loadBrookProto().proto.brook.v1.AdminService.service,
      forwardingAdminService(adminHandlers(`broker${id}`), {
        brokerId: asBrokerId(id),
        routing: {
          isLeader: () => routing.leading,
          leaderId: () => (routing.leader === null ? null : asBrokerId(routing.leader)),
          addressOf: (broker: BrokerId) => routing.addresses.get(broker) ?? null,
        },
        forwarder,
        logger: silentLogger,
      }),
    );
    const address = await listen(server);
    routing.addresses.set(id, address);
    return address;
  }

  function client(address: string): AdminServiceClient {
    const { proto } = loadBrookProto();
    const admin = new proto.brook.v1.AdminService(address, grpc.credentials.createInsecure());
    closers.push(() => admin.close());
    return admin;
  }

  function createTopic(
    admin: AdminServiceClient,
    name: string,
  ): Promise<CreateTopicResponse__Output> {
    return new Promise((resolve, reject) =>
      admin.CreateTopic({ name }, (error, response) =>
        error === null && response !== undefined
          ? resolve(response)
          : reject(error ?? new Error('no response')),
      ),
    );
  }

  it('serves locally on the leader and forwards from any other broker', async () => {
    const addresses = new Map<number, string>();
    const one = await broker(1, { leading: true, leader: 1, addresses });
    const two = await broker(2, { leading: false, leader: 1, addresses });
    expect((await createTopic(client(one), 'a')).topic?.name).toBe('a@broker1');
    expect((await createTopic(client(two), 'b')).topic?.name).toBe('b@broker1');
    // Errors come back with their Brook code.
    const admin = client(two);
    const error = await new Promise<grpc.ServiceError>((resolve) =>
      admin.DeleteTopic({ name: 'x' }, (caught) => resolve(caught as grpc.ServiceError)),
    );
    expect(error.metadata.get('brook-error-code')).toEqual(['UNKNOWN_TOPIC']);
    expect(error.details).toBe('no such topic on broker1');
  });

  it('answers NOT_LEADER instead of forwarding twice, or with no leader known', async () => {
    const addresses = new Map<number, string>();
    const one = await broker(1, { leading: false, leader: 2, addresses });
    await broker(2, { leading: false, leader: 1, addresses });
    const three = await broker(3, { leading: false, leader: null, addresses });
    for (const address of [one, three]) {
      const error = await createTopic(client(address), 'loop').catch((caught: unknown) => caught);
      expect((error as grpc.ServiceError).metadata.get('brook-error-code')).toEqual(['NOT_LEADER']);
    }
  });
});
