/**
 * The public surface of Brook's TypeScript client. Everything an application needs is exported
 * from here; other files of src/client are internal and may change.
 *
 *   const brook = new Brook({ bootstrap: ['127.0.0.1:9092'] });
 *   await brook.admin().createTopic('events', { partitions: 3 });
 *   const producer = brook.producer();
 *   await producer.send({ topic: 'events', key: 'user-1', value: 'hello' });
 *   const consumer = brook.consumer();
 *   await consumer.assign([{ topic: 'events', partition: 0, from: 'earliest' }]);
 *   for await (const record of consumer) { ... }
 *   await brook.close();
 */
export { Brook, type BrookOptions } from './brook.js';
export {
  Admin,
  type AlterConfigs,
  type BrokerStatus,
  type ClusterDescription,
  type ConfigEntry,
  type CreateTopicOptions,
  type PartitionDescription,
  type TopicDescription,
  type TopicSummary,
} from './admin.js';
export { checkHealth, type HealthCheckOptions, type HealthStatus } from './health.js';
export { Producer } from './producer.js';
export {
  producerDefaults,
  type AcksOption,
  type CompressionOption,
  type ProducerOptions,
} from './producer-options.js';
export { Consumer } from './consumer.js';
export {
  consumerDefaults,
  type ConsumerOptions,
  type OutOfRangePolicy,
} from './consumer-options.js';
export type { BrokerInfo, ClusterMetadata, PartitionInfo, TopicInfo } from './metadata.js';
export { murmur2, partitionForKey, type PartitionerFunction } from './partitioner.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry.js';
export type {
  Assignment,
  BytesInput,
  ConsumerHeader,
  ConsumerRecord,
  HeaderInput,
  HeadersInput,
  OffsetQuery,
  PartitionOffset,
  ProducerRecord,
  RecordMetadata,
  StartFrom,
  TopicPartition,
} from './types.js';
export { BrookError, isBrookError, ERROR_CODES, type ErrorCode } from '../protocol/errors.js';
export type { Logger } from '../util/ports.js';
