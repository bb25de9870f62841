/**
 * What a chaos run reports beyond the checker's verdict: per fault, the recovery time after
 * healing (from the heal to the first ok op that completed after it), and a summary of them.
 * Pure: computed from the history and the fault windows.
 */
import type { HistoryEvent } from './history.js';
import { isNemesis } from './history.js';
import type { FaultWindow } from './nemesis.js';

export interface FaultRecovery {
  readonly family: string;
  readonly description: string;
  readonly startS: number;
  readonly healS: number | null;
  /** Heal → first ok send or poll afterwards; null when none came. */
  readonly recoveryMs: number | null;
  /** Heal → first ok send afterwards. */
  readonly sendRecoveryMs: number | null;
  /** Heal → the time by which every key had an ok send after it (null: some key had none). */
  readonly allKeysRecoveryMs: number | null;
}

export function recoveries(
  history: readonly HistoryEvent[],
  windows: readonly FaultWindow[],
): FaultRecovery[] {
  const okTimes: number[] = [];
  const okSendTimes: number[] = [];
  const okSendTimesByKey = new Map<number, number[]>();
  for (const event of history) {
    if (isNemesis(event) || event.type !== 'ok' || event.f === 'assign') continue;
    if (event.process >= DRAIN_PROCESS_BASE) continue;
    okTimes.push(event.time);
    if (event.f !== 'send') continue;
    okSendTimes.push(event.time);
    for (const micro of event.value) {
      if (!Array.isArray(micro) || micro[0] !== 'send' || typeof micro[1] !== 'number') continue;
      const times = okSendTimesByKey.get(micro[1]) ?? [];
      times.push(event.time);
      okSendTimesByKey.set(micro[1], times);
    }
  }
  return windows.map((window) => {
    const heal = window.healNs;
    const first = heal === undefined ? undefined : firstAfter(okTimes, heal);
    const firstSend = heal === undefined ? undefined : firstAfter(okSendTimes, heal);
    return {
      family: window.family,
      description: window.description,
      startS: round(window.startNs / 1e9),
      healS: heal === undefined ? null : round(heal / 1e9),
      recoveryMs: first === undefined || heal === undefined ? null : round((first - heal) / 1e6),
      sendRecoveryMs:
        firstSend === undefined || heal === undefined ? null : round((firstSend - heal) / 1e6),
      allKeysRecoveryMs: heal === undefined ? null : allKeysAfter(okSendTimesByKey, heal),
    };
  });
}

function allKeysAfter(byKey: ReadonlyMap<number, readonly number[]>, heal: number): number | null {
  let latest = heal;
  for (const times of byKey.values()) {
    const first = firstAfter(times, heal);
    if (first === undefined) return null;
    latest = Math.max(latest, first);
  }
  return byKey.size === 0 ? null : round((latest - heal) / 1e6);
}

/** Process ids of the final drain start here (one per key). */
export const DRAIN_PROCESS_BASE = 1_000_000;

function firstAfter(sorted: readonly number[], time: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? 0) <= time) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}

export function summarize(values: readonly (number | null)[]): {
  count: number;
  medianMs: number | null;
  worstMs: number | null;
} {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return { count: 0, medianMs: null, worstMs: null };
  return {
    count: known.length,
    medianMs: known[Math.floor((known.length - 1) / 2)] ?? null,
    worstMs: known.at(-1) ?? null,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
