/**
 * One simulated server: its own disk (a MemoryFileSystem that loses unsynced writes on a
 * crash), its process incarnation, and the Replica running on it while it is up.
 *
 * A crash is a power loss: the replica is halted at once (nothing more leaves it), the disk
 * reverts to what was fsynced (with torn tails), and every task of the old process is cut off
 * (the old file system view throws on every call; the incarnation number changes so late
 * callbacks of the old process are ignored). A restart opens a new Replica on the new view,
 * which runs the real recovery of the log and of the Raft state.
 */
import type { Membership, NodeId } from '../../src/raft/types.js';
import { Replica } from '../../src/replica/replica.js';
import type { ReplicaOptions } from '../../src/replica/replica.js';
import type { MemoryFileSystem } from '../support/memory-file-system.js';
import type { SeededRandom } from '../support/seeded-random.js';

export const GROUP_DIRECTORY = '/data/group';

/** What a node needs from the cluster to open its replica. */
export type ReplicaFactory = (
  node: SimNode,
  incarnation: number,
) => Omit<ReplicaOptions, 'fs' | 'directory' | 'id' | 'random' | 'initialMembership'>;

export class SimNode {
  replica: Replica | null = null;
  /** False while crashed (until restart). */
  up = false;
  opening = false;
  incarnation = 0;
  crashes = 0;

  constructor(
    readonly id: NodeId,
    public fs: MemoryFileSystem,
    private readonly random: SeededRandom,
    /** Used when the node's disk holds no group yet. */
    readonly initialMembership: Membership,
  ) {}

  get running(): boolean {
    return this.up && this.replica !== null;
  }

  /**
   * Boots the process: opens the replica (recovery included). Resolves when it is running, or
   * when this incarnation died first (a crash during recovery).
   */
  async boot(factory: ReplicaFactory, onError: (error: unknown) => void): Promise<void> {
    this.up = true;
    this.opening = true;
    const incarnation = ++this.incarnation;
    try {
      const replica = await Replica.open({
        ...factory(this, incarnation),
        fs: this.fs,
        directory: GROUP_DIRECTORY,
        id: this.id,
        random: this.random.fork(),
        initialMembership: this.initialMembership,
      });
      if (!this.isCurrent(incarnation)) {
        replica.halt();
        return;
      }
      this.replica = replica;
    } catch (error) {
      if (this.isCurrent(incarnation)) onError(error);
    } finally {
      if (incarnation === this.incarnation) this.opening = false;
    }
  }

  /** Power loss: see the module comment. */
  crash(): void {
    this.replica?.halt();
    this.replica = null;
    this.up = false;
    this.opening = false;
    this.incarnation += 1;
    this.crashes += 1;
    this.fs = this.fs.crash({ tornWrites: true });
  }

  isCurrent(incarnation: number): boolean {
    return this.up && incarnation === this.incarnation;
  }
}
