/** brook.v1.AdminService: topics, their configuration, and the cluster (of one, for now). */
import type { AdminServiceHandlers } from '../protocol/gen/brook/v1/AdminService.js';
import type { TopicDescription as ProtoTopicDescription } from '../protocol/gen/brook/v1/TopicDescription.js';
import type { Logger } from '../util/ports.js';
import type { Broker, TopicDescription } from '../broker/broker.js';
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

export function adminService(broker: Broker, logger: Logger): AdminServiceHandlers {
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
          name: topic.record.name,
          partitions: topic.record.partitions,
          replicationFactor: topic.record.replicationFactor,
        })),
      }),
    ),
    DescribeTopic: unary('DescribeTopic', logger, (request) =>
      Promise.resolve({ topic: protoTopicOf(broker.describe(broker.topic(request.name))) }),
    ),
    AlterTopicConfig: unary('AlterTopicConfig', logger, async (request) => {
      const topic = await broker.alterTopicConfig(request.name, request.set, request.remove);
      return { topic: protoTopicOf(topic) };
    }),
    DescribeCluster: unary('DescribeCluster', logger, () =>
      Promise.resolve({
        clusterId: broker.clusterId,
        controllerId: broker.brokerId,
        brokers: [{ id: broker.brokerId, address: broker.advertisedAddress, alive: true }],
      }),
    ),
  };
}
