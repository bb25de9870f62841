import { describe, expect, it } from 'vitest';
import { replyToProto } from '../../../src/cluster/controller-rpc.js';
import type { BrokerHeartbeat, HeartbeatReply } from '../../../src/cluster/controller-rpc.js';
import { HeartbeatAgent } from '../../../src/cluster/heartbeat-agent.js';
import type { LocalController } from '../../../src/cluster/heartbeat-agent.js';
import { LeaderTableAggregator, LeaderTableCache } from '../../../src/cluster/leader-table.js';
import { MetadataStateMachine } from '../../../src/cluster/metadata/state-machine.js';
import { DEFAULT_CLUSTER_TIMING } from '../../../src/cluster/types.js';
import { BrookError } from '../../../src/protocol/errors.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ManualScheduler } from '../../support/manual-scheduler.js';
import { PEERS, RecordingLeadership, RecordingRpc, flush } from './controller-harness.js';
import { b, partitionState } from './fixtures.js';

const { brokerHeartbeatMs } = DEFAULT_CLUSTER_TIMING;

class StubController implements LocalController {
  leading = false;
  leader: BrokerId | null = null;
  readonly table = new LeaderTableAggregator(9);
  readonly received: BrokerHeartbeat[] = [];
  isLeader(): boolean {
    return this.leading;
  }
  leaderId(): BrokerId | null {
    return this.leader;
  }
  addressOf(broker: BrokerId): string | null {
    return PEERS.find((peer) => peer.id === broker)?.address ?? null;
  }
  handleHeartbeat(heartbeat: BrokerHeartbeat): HeartbeatReply {
    this.received.push(heartbeat);
    this.table.report(heartbeat.broker, heartbeat.partitions);
    return { controllerId: b(4), clusterId: 'c', table: this.table.deltaSince(heartbeat.seen) };
  }
}

function setup() {
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const controller = new StubController();
  const rpc = new RecordingRpc();
  const leadership = new RecordingLeadership();
  const cache = new LeaderTableCache();
  const agent = new HeartbeatAgent({
    brokerId: b(4),
    address: () => 'h4:9092',
    peers: PEERS,
    controller,
    metadata: new MetadataStateMachine(),
    leadership,
    leaderTable: cache,
    rpc,
    clock,
    scheduler,
    logger: silentLogger,
    timing: DEFAULT_CLUSTER_TIMING,
  });
  /** A remote controller leader at `address` (answers with its own aggregated table). */
  const remoteLeader = (address: string, id: number) => {
    const table = new LeaderTableAggregator(3);
    rpc.heartbeatHandlers.set(address, (request) => {
      table.report(
        b(request.brokerId ?? 0),
        (request.partitions ?? []).map((state) =>
          partitionState(state.topicId ?? '', state.partition ?? 0, state.leader ?? 0),
        ),
      );
      const seen = {
        epoch: Number(request.leaderTableEpoch),
        version: Number(request.leaderTableVersion),
      };
      return Promise.resolve(
        replyToProto({ controllerId: b(id), clusterId: 'c', table: table.deltaSince(seen) }),
      ) as never;
    });
    return table;
  };
  const notLeader = (address: string, leader: number | null) => {
    rpc.heartbeatHandlers.set(address, () =>
      Promise.reject(
        new BrookError('NOT_LEADER', 'not me', {
          details: leader === null ? {} : { leader: String(leader) },
        }),
      ),
    );
  };
  const advance = async (ms: number): Promise<void> => {
    for (let passed = 0; passed < ms; passed += 50) {
      scheduler.advance(50);
      await flush(2);
    }
  };
  return {
    clock,
    scheduler,
    controller,
    rpc,
    leadership,
    cache,
    agent,
    remoteLeader,
    notLeader,
    advance,
  };
}

describe('HeartbeatAgent', () => {
  it('calls the local controller directly when it leads, and applies the table', async () => {
    const s = setup();
    s.controller.leading = true;
    s.leadership.states = [partitionState('t', 0, 4)];
    s.agent.start();
    await flush();
    expect(s.controller.received).toHaveLength(1);
    expect(s.rpc.heartbeats).toHaveLength(0);
    expect(s.cache.get('t', 0)?.leader).toBe(4);
    expect(s.cache.version).toEqual({ epoch: 9, version: 1 });
    await s.advance(brokerHeartbeatMs);
    expect(s.controller.received[1]?.seen).toEqual({ epoch: 9, version: 1 });
  });

  it('reports new leaderships on a nudge instead of waiting for the next interval', async () => {
    const s = setup();
    s.controller.leading = true;
    s.agent.nudge(); // not started: nothing
    await s.advance(50);
    expect(s.controller.received).toHaveLength(0);
    s.agent.start();
    await flush();
    expect(s.controller.received).toHaveLength(1);
    s.leadership.states = [partitionState('t', 0, 4)];
    s.agent.nudge();
    s.agent.nudge(); // coalesced
    await s.advance(50);
    expect(s.controller.received).toHaveLength(2);
    expect(s.controller.received[1]?.partitions.map((state) => state.partition)).toEqual([0]);
    s.agent.stop();
    s.agent.nudge();
    await s.advance(brokerHeartbeatMs);
    expect(s.controller.received).toHaveLength(2);
  });

  it('follows NOT_LEADER hints to the leader, then goes there directly', async () => {
    const s = setup();
    s.controller.leader = b(2); // what the local controller replica believes
    s.notLeader('p2:9000', 3);
    s.remoteLeader('p3:9000', 3);
    s.leadership.states = [partitionState('t', 1, 4)];
    s.agent.start();
    await flush();
    expect(s.rpc.heartbeats.map((call) => call.address)).toEqual(['p2:9000', 'p3:9000']);
    expect(s.agent.controllerLeader).toBe(3);
    expect(s.cache.get('t', 1)?.leader).toBe(4);
    await s.advance(brokerHeartbeatMs);
    expect(s.rpc.heartbeats.map((call) => call.address)).toEqual(['p2:9000', 'p3:9000', 'p3:9000']);
    expect(s.agent.answered).toBe(2);
  });

  it('tries the voters in turn and backs off exponentially while none answers', async () => {
    const s = setup();
    s.agent.start();
    await s.advance(10 * brokerHeartbeatMs);
    const addresses = s.rpc.heartbeats.map((call) => call.address);
    // Attempts at 0, +500, +1000 (backing off 500, 1000, 2000...): far fewer than 11 ticks.
    expect(addresses.length).toBeGreaterThanOrEqual(3);
    expect(addresses.length).toBeLessThanOrEqual(5);
    expect(addresses.slice(0, 3)).toEqual(['p1:9000', 'p2:9000', 'p3:9000']);
    // A voter comes up as leader: the agent gets through within the backoff cap.
    s.remoteLeader('p1:9000', 1);
    s.remoteLeader('p2:9000', 2);
    s.remoteLeader('p3:9000', 3);
    await s.advance(5_000 + brokerHeartbeatMs);
    expect(s.agent.answered).toBeGreaterThan(0);
  });

  it('goes to a new controller leader at once when its replica learns of it, backoff or not', async () => {
    const s = setup();
    s.remoteLeader('p1:9000', 1);
    s.controller.leader = b(1);
    s.agent.start();
    await s.advance(brokerHeartbeatMs);
    const answered = s.agent.answered;
    expect(answered).toBeGreaterThan(0);
    // Broker 1 dies: the next attempt fails and the agent backs off (500 ms, then 1 s...).
    s.rpc.heartbeatHandlers.set('p1:9000', () =>
      Promise.reject(new BrookError('BROKER_UNAVAILABLE', 'connection refused')),
    );
    await s.advance(brokerHeartbeatMs + 50);
    const failedAt = s.rpc.heartbeats.length;
    // Broker 2 wins the controller election; this broker's controller replica hears of it.
    s.remoteLeader('p2:9000', 2);
    s.controller.leader = b(2);
    await s.advance(100);
    expect(s.rpc.heartbeats.slice(failedAt).map((call) => call.address)).toEqual(['p2:9000']);
    expect(s.agent.answered).toBe(answered + 1);
    expect(s.agent.controllerLeader).toBe(2);
  });

  it('retries within a tick or two while a voter says no leader is ready yet', async () => {
    const s = setup();
    s.controller.leader = b(1);
    s.notLeader('p1:9000', null); // elected, not ready yet: no other leader to name
    s.agent.start();
    await flush();
    expect(s.rpc.heartbeats).toHaveLength(1);
    // Broker 1 becomes ready: the next attempt comes a tick later, not a heartbeat interval.
    s.remoteLeader('p1:9000', 1);
    await s.advance(100);
    expect(s.agent.answered).toBe(1);
    expect(s.rpc.heartbeats.map((call) => call.address)).toEqual(['p1:9000', 'p1:9000']);
  });

  it('backs off exponentially from one tick while no leader is ready for long', async () => {
    const s = setup();
    s.controller.leader = b(1);
    s.notLeader('p1:9000', null);
    s.agent.start();
    await s.advance(10_000);
    // 50, 100, 200 ... 3.2 s, then the 5 s cap: about ten attempts, not one per tick (200).
    expect(s.rpc.heartbeats.length).toBeGreaterThanOrEqual(7);
    expect(s.rpc.heartbeats.length).toBeLessThanOrEqual(11);
  });

  it('does not count election answers into the backoff of an unreachable controller', async () => {
    const s = setup();
    s.controller.leader = b(1);
    s.notLeader('p1:9000', null);
    s.agent.start();
    await s.advance(1_000); // several quick NOT_LEADER answers (50, 100, 200, 400 ms)
    expect(s.rpc.heartbeats.length).toBeGreaterThanOrEqual(4);
    s.rpc.heartbeatHandlers.set('p1:9000', () =>
      Promise.reject(new BrookError('BROKER_UNAVAILABLE', 'connection refused')),
    );
    await s.advance(1_000); // one unreachable answer: backs off one interval (500 ms), not 5 s
    s.remoteLeader('p1:9000', 1);
    await s.advance(600);
    expect(s.agent.answered).toBeGreaterThan(0);
  });

  it('backs off by the interval when a NOT_LEADER hint leads nowhere within the redirects', async () => {
    const s = setup();
    s.controller.leader = b(1);
    s.notLeader('p1:9000', 2);
    s.notLeader('p2:9000', 3);
    s.notLeader('p3:9000', 1);
    s.agent.start();
    await s.advance(2_000);
    // Attempts at 0, +500, +1500 (4 calls each: 3 redirects): not one per tick.
    expect(s.rpc.heartbeats.length).toBeLessThanOrEqual(3 * 4);
  });

  it('goes early to the leader its replica names once, not every tick, when that one redirects to a dead one', async () => {
    const s = setup();
    s.controller.leader = b(2);
    s.notLeader('p2:9000', 3);
    s.rpc.heartbeatHandlers.set('p3:9000', () =>
      Promise.reject(new BrookError('BROKER_UNAVAILABLE', 'connection refused')),
    );
    s.agent.start();
    await s.advance(1_000);
    // 0 (p2 → p3), one early retry (p2 → p3), then +1000 ms: a few calls, not 2 per tick.
    expect(s.rpc.heartbeats.length).toBeLessThanOrEqual(6);
  });

  it('never has two heartbeats in flight', async () => {
    const s = setup();
    let calls = 0;
    s.rpc.heartbeatHandlers.set('p1:9000', () => {
      calls += 1;
      return new Promise(() => undefined); // never answers
    });
    s.agent.start();
    await s.advance(1_900); // below rpcTimeoutMs (2 s): the first call is still out
    expect(calls).toBe(1);
    expect(s.rpc.heartbeats).toHaveLength(1);
    await s.advance(1_000); // timed out, backed off one interval, tried the next voter
    expect(s.rpc.heartbeats.map((call) => call.address)).toEqual(['p1:9000', 'p2:9000']);
  });
});
