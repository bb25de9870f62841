/**
 * Lets clients use any broker for admin calls: wraps the AdminService handlers so that a broker
 * whose controller does not lead forwards each call, unchanged, to the controller leader's
 * public AdminService (runtime/admin-forwarder.ts) and relays the answer or error. On the
 * leader the local handlers run.
 *
 * Rules: a call that was already forwarded once (metadata `brook-forwarded`) is never forwarded
 * again: two brokers that each think the other leads answer NOT_LEADER instead of looping.
 * With no leader known (an election under way, or this broker leads but is not ready yet) the
 * answer is NOT_LEADER, which clients retry.
 */
import type * as grpc from '@grpc/grpc-js';
import { BrookError } from '../protocol/errors.js';
import { toServiceError } from '../protocol/grpc.js';
import type { AdminServiceHandlers } from '../protocol/gen/brook/v1/AdminService.js';
import type { BrokerId } from '../util/brand.js';
import type { Logger } from '../util/ports.js';
import { FORWARDED_METADATA_KEY } from '../runtime/admin-forwarder.js';
import type { AdminMethod } from '../runtime/admin-forwarder.js';
import { asBrookError } from './errors.js';

/** Where the controller leader is, as this broker knows it (`Controller` provides it). */
export interface ControllerRouting {
  isLeader(): boolean;
  leaderId(): BrokerId | null;
  addressOf(broker: BrokerId): string | null;
}

export interface AdminForwarder {
  forward(
    address: string,
    method: AdminMethod,
    request: unknown,
    timeoutMs: number,
  ): Promise<unknown>;
}

export interface AdminForwardingOptions {
  readonly brokerId: BrokerId;
  readonly routing: ControllerRouting;
  readonly forwarder: AdminForwarder;
  readonly logger: Logger;
  /** Deadline of a forwarded call (default 30 s: admin writes wait for a commit). */
  readonly timeoutMs?: number;
}

export const FORWARD_TIMEOUT_MS_DEFAULT = 30_000;

type AnyUnary = grpc.handleUnaryCall<unknown, unknown>;

export function forwardingAdminService(
  local: AdminServiceHandlers,
  options: AdminForwardingOptions,
): AdminServiceHandlers {
  const wrapped: Record<string, AnyUnary> = {};
  for (const [method, handler] of Object.entries(local) as [AdminMethod, AnyUnary][]) {
    wrapped[method] = forwarding(method, handler, options);
  }
  return wrapped as unknown as AdminServiceHandlers;
}

function forwarding(
  method: AdminMethod,
  local: AnyUnary,
  options: AdminForwardingOptions,
): AnyUnary {
  const timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS_DEFAULT;
  return (call, callback) => {
    const { routing } = options;
    if (routing.isLeader()) {
      local(call, callback);
      return;
    }
    const address = leaderAddress(options, call.metadata.get(FORWARDED_METADATA_KEY).length > 0);
    if (address instanceof BrookError) {
      callback(toServiceError(address));
      return;
    }
    options.forwarder.forward(address, method, call.request, timeoutMs).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(asBrookError(error, options.logger, method))),
    );
  };
}

function leaderAddress(options: AdminForwardingOptions, forwarded: boolean): string | BrookError {
  const leader = options.routing.leaderId();
  if (leader === null || leader === options.brokerId) {
    return new BrookError('NOT_LEADER', 'no controller leader is ready yet; retry shortly');
  }
  const details = { leader: String(leader) };
  if (forwarded) {
    return new BrookError('NOT_LEADER', `broker ${leader} is the controller leader`, { details });
  }
  const address = options.routing.addressOf(leader);
  if (address === null) {
    return new BrookError('NOT_LEADER', `no address is known for controller leader ${leader}`, {
      details,
    });
  }
  return address;
}
