/** The command that replays one simulation run. */
import type { SeedResult } from './runner.js';

export function replayCommand(result: Pick<SeedResult, 'seed' | 'nodes'>): string {
  return `npm run sim -- --seed ${result.seed} --nodes ${result.nodes}`;
}
