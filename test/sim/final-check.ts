/**
 * The checks at the end of a run, once the liveness phase converged: what is on each member's
 * disk is what its replica reported (the checker's mirror was not fooled), every acknowledged
 * proposal is committed at its offsets, no refused proposal shows up, and no value appears
 * twice in the committed log.
 */
import {
  decodeBatch,
  isControl,
  lastOffsetOf,
  splitBatches,
} from '../../src/protocol/record-batch.js';
import type { NodeId } from '../../src/raft/types.js';
import type { SimCluster } from './cluster.js';
import { valueOf } from './proposals.js';

export async function finalCheck(cluster: SimCluster, members: readonly NodeId[]): Promise<void> {
  const { checker } = cluster;
  for (const id of members) await checkDisk(cluster, id);
  const committedCrcs = new Set<number>();
  for (const proposal of cluster.proposals) {
    if (proposal.status !== 'acked' || proposal.result === null) continue;
    const { baseOffset, lastOffset, term } = proposal.result;
    const entry = checker.committedEntry(baseOffset);
    if (entry?.term !== term || entry.crc !== proposal.crc || entry.lastOffset !== lastOffset) {
      checker.violation(
        `acknowledged proposal ${proposal.value} at [${baseOffset}..${lastOffset}] term ${term} was lost`,
      );
    }
  }
  for (let offset = 0; offset <= checker.committedEnd;) {
    const entry = checker.committedEntry(offset);
    if (entry === undefined) break;
    committedCrcs.add(entry.crc);
    offset = entry.lastOffset + 1;
  }
  for (const proposal of cluster.proposals) {
    if (proposal.status === 'failed' && proposal.crc !== null && committedCrcs.has(proposal.crc)) {
      checker.violation(
        `refused proposal ${proposal.value} was committed (${proposal.reason ?? ''})`,
      );
    }
  }
  const leader = cluster.leader();
  if (leader !== null) await checkValues(cluster, leader);
}

/** The member's log on disk, batch by batch, against the checker's mirror of it. */
async function checkDisk(cluster: SimCluster, id: NodeId): Promise<void> {
  const replica = cluster.replica(id);
  const shadow = cluster.checker.shadowOf(id);
  if (replica === null || shadow === undefined) return;
  const log = replica.partitionLog;
  const expected = shadow.all();
  let index = 0;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, 1 << 20);
    for (const span of splitBatches(read.data)) {
      const mirror = expected[index++];
      const { header } = span;
      if (
        mirror?.baseOffset !== header.baseOffset ||
        mirror.term !== header.partitionLeaderEpoch ||
        mirror.crc !== header.crc
      ) {
        cluster.checker.violation(
          `node ${id}: disk batch at ${header.baseOffset} differs from what it reported`,
        );
        return;
      }
      offset = lastOffsetOf(header) + 1;
    }
  }
  if (index !== expected.length) {
    cluster.checker.violation(
      `node ${id}: ${expected.length - index} reported entries are not on disk`,
    );
  }
}

/** Every value in the leader's committed log was proposed once and only once. */
async function checkValues(cluster: SimCluster, leader: NodeId): Promise<void> {
  const replica = cluster.replica(leader);
  if (replica === null) return;
  const proposed = new Set(cluster.proposals.map((p) => p.value));
  const seen = new Set<string>();
  const log = replica.partitionLog;
  const commit = replica.status().commit;
  let offset = log.logStartOffset;
  while (offset <= commit) {
    const read = await log.read(offset, 1 << 20, commit + 1);
    if (read.data.length === 0) break;
    for (const span of splitBatches(read.data)) {
      offset = lastOffsetOf(span.header) + 1;
      if (isControl(span.header)) continue;
      const batch = await decodeBatch(read.data.subarray(span.position, span.position + span.size));
      const value = valueOf(batch.records[0]?.key ?? null);
      if (value === null || !proposed.has(value)) {
        cluster.checker.violation(
          `committed value ${String(value)} at ${span.header.baseOffset} was never proposed`,
        );
      } else if (seen.has(value)) {
        cluster.checker.violation(`value ${value} committed twice`);
      }
      if (value !== null) seen.add(value);
    }
  }
}
