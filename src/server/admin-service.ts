/**
 * brook.v1.AdminService: topics, their configuration, partitions and the cluster. Writes go to
 * the controller through the broker (Broker → ClusterAdmin); descriptions come from this
 * broker's metadata and leader table. On a broker whose controller does not lead, the composition
 * root wraps these handlers with admin-forwarding.ts, so they run on the controller leader.
 */
import type { AdminServiceHandlers } from '../protocol/gen/brook/v1/AdminService.js';
import type { TopicDescription as ProtoTopicDescription } from '../protocol/gen/brook/v1/TopicDescription.js';
import type { Logger } from '../util/ports.js';
import type { Broker, TopicDescription } from '../broker/broker.js';
import type { ClusterAdmin } from '../cluster/types.js';
import { unary } from './handlers.js';

function protoTopicOf(topic: TopicDescription): ProtoTopicDescription {
  return {
    name: topic.name,
    replicationFactor: topic.replicationFactor,
    partitions: topic.partitions.map((partition) => ({
      ...partition,
      replicas: [...partition.replicas],
      isr: [...partition.isr],
    })),
    configs: topic.configs.map((entry) => ({ ...entry })),
  };
}

export function adminService(
  broker: Broker,
  admin: Pick<ClusterAdmin, 'describeCluster'>,
  logger: Logger,
): AdminServiceHandlers {
  return {
    CreateTopic: unary('CreateTopic', logger, async (request) => {
      const topic = await broker.createTopic({
        name: request.name,
        partitions: request.partitions,
        replicationFactor: request.replicationFactor,
        configs: request.configs,
      });
      return { topic: protoTopicOf(topic) };
    }),
    DeleteTopic: unary('DeleteTopic', logger, async (request) => {
      await broker.deleteTopic(request.name);
      return {};
    }),
    ListTopics: unary('ListTopics', logger, () =>
      Promise.resolve({
        topics: broker.listTopics().map((topic) => ({
          name: topic.name,
          partitions: topic.partitionCount,
          replicationFactor: topic.assignment.replicationFactor,
        })),
      }),
    ),
    DescribeTopic: unary('DescribeTopic', logger, (request) =>
      Promise.resolve({
        topic: protoTopicOf(broker.describe(broker.topic(request.name).assignment)),
      }),
    ),
    AlterTopicConfig: unary('AlterTopicConfig', logger, async (request) => {
      const topic = await broker.alterTopicConfig(request.name, request.set, request.remove);
      return { topic: protoTopicOf(topic) };
    }),
    CreatePartitions: unary('CreatePartitions', logger, async (request) => {
      const topic = await broker.createPartitions(request.name, request.count);
      return { topic: protoTopicOf(topic) };
    }),
    ReassignPartition: unary('ReassignPartition', logger, async (request) => {
      const topic = await broker.reassignPartition(
        request.name,
        request.partition,
        request.replicas,
      );
      return { topic: protoTopicOf(topic) };
    }),
    DescribeCluster: unary('DescribeCluster', logger, async () => {
      const cluster = await admin.describeCluster();
      return {
        clusterId: cluster.clusterId,
        controllerId: cluster.controllerId ?? -1,
        brokers: cluster.brokers.map((status) => ({
          id: status.id,
          address: status.address,
          alive: status.alive,
        })),
        offlinePartitions: cluster.offlinePartitions,
        underReplicatedPartitions: cluster.underReplicatedPartitions,
        controllerVoters: [...cluster.controllerVoters],
      };
    }),
  };
}
