/**
 * Durable topic metadata of a single broker: one checksummed `topic.json` per topic under
 * `<data>/topics/<name>/`, written atomically (temp file, fsync, rename, fsync directory).
 * Deleting a topic first renames its directory into `<data>/deleted/`, which is atomic, so a
 * crash half-way through removing the files never resurrects a half-deleted topic; leftovers
 * there are removed at the next start.
 *
 * In a cluster (issue 4) the controller's replicated state takes over this role.
 */
import { join } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { readChecksummedJson, writeChecksummedJson } from '../storage/atomic-file.js';
import type { FileSystem, Logger } from '../util/ports.js';

export interface TopicRecord {
  readonly name: string;
  /** Distinguishes a topic from an earlier one of the same name. */
  readonly id: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly createdAtMs: number;
}

const TOPIC_FILE = 'topic.json';

export class TopicStore {
  constructor(
    private readonly fs: FileSystem,
    private readonly dataDirectory: string,
    private readonly logger: Logger,
  ) {}

  get topicsDirectory(): string {
    return join(this.dataDirectory, 'topics');
  }

  private get deletedDirectory(): string {
    return join(this.dataDirectory, 'deleted');
  }

  topicDirectory(name: string): string {
    return join(this.topicsDirectory, name);
  }

  partitionDirectory(name: string, partition: number): string {
    return join(this.topicDirectory(name), String(partition));
  }

  /** Loads every topic; removes leftovers of deletions and of creations that never finished. */
  async loadAll(): Promise<TopicRecord[]> {
    await this.fs.makeDirectory(this.topicsDirectory);
    // The new directory entry must be durable before anything below it counts as written.
    await this.fs.syncDirectory(this.dataDirectory);
    await this.fs.removeTree(this.deletedDirectory);
    const records: TopicRecord[] = [];
    for (const name of (await this.fs.list(this.topicsDirectory)).sort()) {
      const record = await readChecksummedJson(
        this.fs,
        join(this.topicDirectory(name), TOPIC_FILE),
      );
      if (record === undefined) {
        this.logger.warn({ topic: name }, 'removing a topic directory without topic.json');
        await this.fs.removeTree(this.topicDirectory(name));
        continue;
      }
      records.push(parseTopicRecord(record, name));
    }
    return records;
  }

  async save(record: TopicRecord): Promise<void> {
    await this.fs.makeDirectory(this.topicDirectory(record.name));
    await this.fs.syncDirectory(this.topicsDirectory);
    await writeChecksummedJson(this.fs, join(this.topicDirectory(record.name), TOPIC_FILE), record);
  }

  /**
   * Makes a deletion durable with one atomic rename into `<data>/deleted/` and returns where the
   * files went; `purge` removes them later (or the next start does). Open files keep working
   * after the rename, so the caller can close them afterwards.
   */
  async retire(record: TopicRecord): Promise<string> {
    await this.fs.makeDirectory(this.deletedDirectory);
    await this.fs.syncDirectory(this.dataDirectory);
    // Named by id alone: a 249-character topic name plus the id would pass NAME_MAX (255).
    const graveyard = join(this.deletedDirectory, record.id);
    await this.fs.rename(this.topicDirectory(record.name), graveyard);
    await this.fs.syncDirectory(this.topicsDirectory);
    return graveyard;
  }

  /** Removes the files of a topic whose creation failed (it has no topic.json yet). */
  async discard(name: string): Promise<void> {
    await this.fs.removeTree(this.topicDirectory(name));
  }

  async purge(graveyard: string): Promise<void> {
    await this.fs.removeTree(graveyard);
  }
}

function parseTopicRecord(value: unknown, directoryName: string): TopicRecord {
  const record = value as Partial<TopicRecord> | null;
  const valid =
    record !== null &&
    typeof record === 'object' &&
    record.name === directoryName &&
    typeof record.id === 'string' &&
    Number.isInteger(record.partitions) &&
    Number.isInteger(record.replicationFactor) &&
    typeof record.configs === 'object' &&
    typeof record.createdAtMs === 'number';
  if (!valid) {
    throw new BrookError('STORAGE_ERROR', `topic metadata of ${directoryName} is malformed`);
  }
  return record as TopicRecord;
}
