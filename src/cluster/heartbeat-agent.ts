/**
 * The heartbeat agent, on every broker (controller voters included): every `brokerHeartbeatMs`
 * it tells the controller leader this broker is alive, at which address, and which partitions
 * it leads (their states), and applies the leader-table delta that comes back to this broker's
 * `LeaderTableCache`.
 *
 * Finding the leader: this broker's own controller replica when it leads (a local call, no
 * network); otherwise the leader the last answer named, else the leader this broker's
 * controller replica knows of, else the `--peers` voters in turn. A NOT_LEADER answer naming
 * another leader is followed at once (at most `REDIRECTS_MAX` hops per attempt). After a failed
 * attempt the next one waits `brokerHeartbeatMs`, doubling with each further failure up to
 * `heartbeatBackoffMaxMs`, and moves to the next voter; but as soon as this broker's controller
 * replica learns of a leader other than the one that failed (checked every tick), the next
 * attempt goes there at once (once per leader it names): a new controller leader waits only a few heartbeat intervals to
 * hear every broker before it places replicas. A voter that answers NOT_LEADER without naming
 * another leader is alive while a leader is being elected (or has just been elected and is not
 * ready yet): such answers back off from one tick, doubling (and do not count into the
 * interval backoff of other failures), so the new leader hears this
 * broker's partitions within a tick or two of becoming ready rather than a second later (its
 * table, seeded from its own cache, is stale until then).
 *
 * One heartbeat in flight at a time: a tick that finds one still running is skipped.
 *
 * Must not: read Date or timers (Clock and Scheduler are injected), or import grpc-js.
 */
import { isRetriable } from '../protocol/errors.js';
import { BrookError } from '../protocol/errors.js';
import type { BrokerId } from '../util/brand.js';
import type { Clock, Logger, Scheduler } from '../util/ports.js';
import { defaultControllerLimits } from './controller-options.js';
import type { ControllerLimits } from './controller-options.js';
import { heartbeatToProto, leaderHintOf, replyFromProto } from './controller-rpc.js';
import type { BrokerHeartbeat, ControllerRpc, HeartbeatReply } from './controller-rpc.js';
import type { LeaderTableCache } from './leader-table.js';
import { withTimeout } from './serial-queue.js';
import type { ClusterTiming, MetadataView, PartitionLeadership, PeerAddress } from './types.js';

/** NOT_LEADER redirects followed within one heartbeat attempt. */
export const REDIRECTS_MAX = 3;
/** Consecutive failures after which they are logged as warnings (then every this many). */
const FAILURES_WARN_EVERY = 10;

/** What the agent uses of this broker's Controller. */
export interface LocalController {
  isLeader(): boolean;
  leaderId(): BrokerId | null;
  addressOf(broker: BrokerId): string | null;
  handleHeartbeat(heartbeat: BrokerHeartbeat): HeartbeatReply;
}

export interface HeartbeatAgentOptions {
  readonly brokerId: BrokerId;
  /** This broker's advertised address (known once its listener is bound). */
  readonly address: () => string;
  readonly peers: readonly PeerAddress[];
  readonly controller: LocalController;
  readonly metadata: MetadataView;
  readonly leadership: Pick<PartitionLeadership, 'partitionStates'>;
  readonly leaderTable: LeaderTableCache;
  readonly rpc: ControllerRpc;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly timing: ClusterTiming;
  readonly limits?: Partial<ControllerLimits>;
}

export class HeartbeatAgent {
  private readonly limits: ControllerLimits;
  private cancel: (() => void) | null = null;
  private inFlight = false;
  private failures = 0;
  /** Consecutive NOT_LEADER answers that named no leader (an election under way). */
  private electing = 0;
  /** Other failures since the last success: the heartbeat-interval backoff doubles with them. */
  private unanswered = 0;
  /** The leader the last early retry went to, since the last success. */
  private rescuedFor: BrokerId | null = null;
  private nextAttemptMs = 0;
  private knownLeader: BrokerId | null = null;
  /** The target of the last failed attempt (undefined after a success). */
  private failedTarget: BrokerId | null | undefined = undefined;
  private rotation = 0;
  private nudged = false;
  /** Heartbeats answered (diagnostics and tests). */
  answered = 0;

  constructor(private readonly options: HeartbeatAgentOptions) {
    this.limits = { ...defaultControllerLimits, ...options.limits };
  }

  start(): void {
    if (this.cancel !== null) return;
    const every = this.options.scheduler.every(this.options.timing.brokerHeartbeatMs, () =>
      this.tick(),
    );
    const early = this.options.scheduler.every(this.options.timing.tickMs, () => this.retryEarly());
    this.cancel = () => {
      every();
      early();
    };
    this.tick();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  /**
   * Heartbeats on the next turn instead of at the next interval (this broker began to lead
   * partitions: the controller's leader table learns them sooner). Skipped like a tick while
   * one is in flight or backing off, and while stopped.
   */
  nudge(): void {
    if (this.cancel === null || this.nudged) return;
    this.nudged = true;
    this.options.scheduler.after(0, () => {
      this.nudged = false;
      if (this.cancel !== null) this.tick();
    });
  }

  /** The controller leader named by the last answer (null after a failure). */
  get controllerLeader(): BrokerId | null {
    return this.knownLeader;
  }

  /**
   * After a failure, checked every tick: retries once the backoff is over (it may be shorter
   * than the heartbeat interval), or at once when the controller replica names a leader other
   * than the one that failed.
   */
  private retryEarly(): void {
    if (this.failedTarget === undefined || this.inFlight) return;
    if (this.options.clock.monotonicMs() >= this.nextAttemptMs) {
      this.tick();
      return;
    }
    const { controller } = this.options;
    const leader = controller.isLeader() ? this.options.brokerId : controller.leaderId();
    // Once per leader the replica names: if that broker only redirects to one that fails, the
    // backoff applies rather than an attempt every tick.
    if (leader === null || leader === this.failedTarget || leader === this.rescuedFor) return;
    this.rescuedFor = leader;
    this.nextAttemptMs = 0;
    this.tick();
  }

  /** One scheduled attempt (skipped while one runs or while backing off). */
  tick(): void {
    if (this.inFlight || this.options.clock.monotonicMs() < this.nextAttemptMs) return;
    this.inFlight = true;
    void this.beat()
      .catch((error: unknown) => this.failed(error, null))
      .finally(() => {
        this.inFlight = false;
      });
  }

  private request(): BrokerHeartbeat {
    return {
      broker: this.options.brokerId,
      address: this.options.address(),
      clusterId: this.options.metadata.clusterId,
      partitions: this.options.leadership.partitionStates(),
      seen: this.options.leaderTable.version,
    };
  }

  private async beat(): Promise<void> {
    const request = this.request();
    let target = this.chooseTarget();
    for (let hop = 0; ; hop++) {
      try {
        this.succeeded(await this.send(target, request));
        return;
      } catch (error) {
        const hint = leaderHintOf(error);
        if (hint === null || hint === target || hop >= REDIRECTS_MAX) {
          this.failed(error, target);
          return;
        }
        target = hint;
      }
    }
  }

  private chooseTarget(): BrokerId | null {
    const { controller, peers } = this.options;
    if (controller.isLeader()) return this.options.brokerId;
    const known = this.knownLeader ?? controller.leaderId();
    if (known !== null) return known;
    const peer = peers[this.rotation % Math.max(1, peers.length)];
    return peer?.id ?? null;
  }

  private async send(target: BrokerId | null, request: BrokerHeartbeat): Promise<HeartbeatReply> {
    const { controller, rpc } = this.options;
    if (target === this.options.brokerId) return controller.handleHeartbeat(request);
    const address = target === null ? null : controller.addressOf(target);
    if (address === null) {
      throw new BrookError('BROKER_UNAVAILABLE', `no address is known for broker ${target}`);
    }
    // Our own deadline too: a transport that never answers must not stall the agent.
    const response = await withTimeout(
      rpc.heartbeat(address, heartbeatToProto(request), this.limits.rpcTimeoutMs),
      this.limits.rpcTimeoutMs,
      this.options.scheduler,
      `heartbeat to broker ${target}`,
    );
    return replyFromProto(response);
  }

  private succeeded(reply: HeartbeatReply): void {
    this.options.leaderTable.apply(reply.table);
    if (this.failures >= FAILURES_WARN_EVERY) {
      this.options.logger.info({ leader: reply.controllerId }, 'controller reachable again');
    }
    this.knownLeader = reply.controllerId;
    this.failedTarget = undefined;
    this.failures = 0;
    this.electing = 0;
    this.unanswered = 0;
    this.rescuedFor = null;
    this.nextAttemptMs = 0;
    this.answered += 1;
  }

  private failed(error: unknown, target: BrokerId | null): void {
    this.failures += 1;
    this.failedTarget = target;
    this.knownLeader = null;
    this.rotation += 1;
    // A live voter that knows no leader (a hint that led nowhere within the redirects is not
    // an election: it backs off like any other failure).
    const electing =
      error instanceof BrookError && error.code === 'NOT_LEADER' && leaderHintOf(error) === null;
    this.electing = electing ? this.electing + 1 : 0;
    if (!electing) this.unanswered += 1;
    const { timing } = this.options;
    const base = electing ? timing.tickMs : timing.brokerHeartbeatMs;
    const doublings = (electing ? this.electing : this.unanswered) - 1;
    const backoffMs = Math.min(
      base * 2 ** Math.min(doublings, 20),
      this.limits.heartbeatBackoffMaxMs,
    );
    this.nextAttemptMs = this.options.clock.monotonicMs() + backoffMs;
    const refused = error instanceof BrookError && !isRetriable(error.code);
    const context = { err: error, target, failures: this.failures, backoffMs };
    if (refused) this.options.logger.error(context, 'the controller refused this broker');
    else if (this.failures % FAILURES_WARN_EVERY === 0) {
      this.options.logger.warn(context, 'cannot reach the controller leader');
    } else this.options.logger.debug(context, 'heartbeat failed');
  }
}
