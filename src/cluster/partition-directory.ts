/**
 * Where partition replicas live on disk and how a directory says whose it is:
 *
 *   <data>/topics/<topic name>/<partition>/   the replica's log, raft-state, raft-snapshot and
 *                                            partition.json { topicId, createdAtMetadataOffset }
 *
 * A directory is named by topic name, so a topic deleted and created again (same name, new
 * topic id) finds the old directory in its way: `partition.json` tells them apart. It is
 * written first (atomically) when a replica is created and removed first when one is deleted,
 * so a directory without it is an interrupted creation or deletion: nothing acknowledged
 * depends on it and it is removed.
 *
 * `createdAtMetadataOffset` is the controller offset this broker had applied when it created
 * the directory. A directory whose topic id the metadata does not know is stale (its topic was
 * deleted) only once the metadata has applied at least that offset; before that, the metadata
 * is simply behind (a restarting broker still catching up) and the directory must be kept.
 *
 * Must not: decide which replicas to host (replica-manager.ts does), or open logs.
 */
import { posix } from 'node:path';
import { readChecksummedJson, writeChecksummedJson } from '../storage/atomic-file.js';
import { isNotFound } from '../util/ports.js';
import type { FileSystem, Logger } from '../util/ports.js';

export const TOPICS_DIRECTORY = 'topics';
export const PARTITION_FILE = 'partition.json';

export interface PartitionMarker {
  readonly topicId: string;
  readonly createdAtMetadataOffset: number;
}

/** A partition directory found on disk. */
export interface FoundDirectory {
  readonly topic: string;
  readonly partition: number;
  readonly path: string;
  /** Null: no (readable) partition.json, an interrupted creation or deletion. */
  readonly marker: PartitionMarker | null;
}

export class PartitionDirectories {
  constructor(
    private readonly fs: FileSystem,
    private readonly dataDirectory: string,
    private readonly logger: Logger,
  ) {}

  get topicsDirectory(): string {
    return posix.join(this.dataDirectory, TOPICS_DIRECTORY);
  }

  pathOf(topic: string, partition: number): string {
    return posix.join(this.topicsDirectory, topic, String(partition));
  }

  /** Creates `<data>/topics` durably (its entry in `<data>` synced before anything below). */
  async prepare(): Promise<void> {
    await this.fs.makeDirectory(this.topicsDirectory);
    await this.fs.syncDirectory(this.dataDirectory);
  }

  /** Every partition directory under `<data>/topics`. */
  async scan(): Promise<FoundDirectory[]> {
    const found: FoundDirectory[] = [];
    for (const topic of (await this.listOrEmpty(this.topicsDirectory)).sort()) {
      const topicPath = posix.join(this.topicsDirectory, topic);
      for (const name of await this.listOrEmpty(topicPath)) {
        const partition = Number(name);
        if (!/^\d+$/.test(name) || !Number.isSafeInteger(partition)) {
          this.logger.warn({ path: posix.join(topicPath, name) }, 'ignoring an unknown entry');
          continue;
        }
        const path = posix.join(topicPath, name);
        found.push({ topic, partition, path, marker: await this.readMarker(path) });
      }
    }
    return found;
  }

  async readMarker(path: string): Promise<PartitionMarker | null> {
    try {
      const value = await readChecksummedJson(this.fs, posix.join(path, PARTITION_FILE));
      return parseMarker(value);
    } catch (error) {
      if (isNotFound(error)) return null;
      this.logger.warn({ err: error, path }, 'unreadable partition.json');
      return null;
    }
  }

  /**
   * Makes the directory and its marker durable before the replica is opened in it: the topic
   * directory's entry, the partition directory's entry, then partition.json (atomic).
   */
  async create(topic: string, partition: number, marker: PartitionMarker): Promise<string> {
    const path = this.pathOf(topic, partition);
    const topicPath = posix.dirname(path);
    await this.fs.makeDirectory(path);
    await this.fs.syncDirectory(this.topicsDirectory);
    await this.fs.syncDirectory(topicPath);
    await writeChecksummedJson(this.fs, posix.join(path, PARTITION_FILE), { ...marker });
    return path;
  }

  /** Removes a replica's directory: the marker first (durably), then the rest. */
  async remove(path: string): Promise<void> {
    const marker = posix.join(path, PARTITION_FILE);
    if (await this.fs.exists(marker)) {
      await this.fs.removeFile(marker);
      await this.fs.syncDirectory(path);
    }
    await this.fs.removeTree(path);
    const topicPath = posix.dirname(path);
    await this.fs.syncDirectory(topicPath).catch(() => undefined);
    // The topic's directory goes with its last partition.
    if ((await this.listOrEmpty(topicPath)).length === 0) {
      await this.fs.removeTree(topicPath);
      await this.fs.syncDirectory(this.topicsDirectory);
    }
  }

  private async listOrEmpty(path: string): Promise<string[]> {
    try {
      return await this.fs.list(path);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }
}

function parseMarker(value: unknown): PartitionMarker | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const topicId = record['topicId'];
  const offset = record['createdAtMetadataOffset'];
  if (typeof topicId !== 'string' || topicId === '') return null;
  return {
    topicId,
    createdAtMetadataOffset:
      typeof offset === 'number' && Number.isSafeInteger(offset) ? offset : Number.MAX_SAFE_INTEGER,
  };
}
