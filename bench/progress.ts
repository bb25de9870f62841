/**
 * Live progress of a long phase on stderr: one line rewritten in place (`\r`) with the count so
 * far, the average rate and the rate over the last interval; `end()` leaves it with a newline.
 * Stdout is left alone, so `--json` output stays one clean line.
 *
 * The refresh timer is unref'd: progress never keeps the process alive.
 */

const REFRESH_MS = 500;

/** Progress lines drawn now: a log line first ends the one being rewritten. */
let activeProgress = 0;
/** Set once the run is being torn down (a signal): nothing more is drawn. */
let silenced = false;

/** Stops every progress line from drawing again. */
export function silenceProgress(): void {
  silenced = true;
}

export function log(line: string): void {
  process.stderr.write(activeProgress > 0 ? `\n${line}\n` : `${line}\n`);
}

export class Progress {
  private done = 0;
  private readonly startedNs = process.hrtime.bigint();
  private lastDone = 0;
  private lastNs = this.startedNs;
  private readonly timer: ReturnType<typeof setInterval>;
  private ended = false;

  /**
   * `total` (when known) is shown as "done/total"; `unit` names what is counted.
   */
  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly unit = 'records',
  ) {
    this.timer = setInterval(() => this.draw(), REFRESH_MS);
    this.timer.unref();
    activeProgress += 1;
  }

  add(count: number): void {
    this.done += count;
  }

  /** Draws the final figures and moves to a new line; idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    activeProgress -= 1;
    clearInterval(this.timer);
    this.draw(true);
    process.stderr.write('\n');
  }

  private draw(final = false): void {
    if (silenced) return;
    const nowNs = process.hrtime.bigint();
    const seconds = Number(nowNs - this.startedNs) / 1e9;
    const intervalSeconds = Number(nowNs - this.lastNs) / 1e9;
    const average = seconds > 0 ? Math.round(this.done / seconds) : 0;
    const current =
      intervalSeconds > 0 ? Math.round((this.done - this.lastDone) / intervalSeconds) : 0;
    this.lastDone = this.done;
    this.lastNs = nowNs;
    const count = this.total === undefined ? `${this.done}` : `${this.done}/${this.total}`;
    const now = final ? '' : `, ${current}/s now`;
    process.stderr.write(
      `\r${this.label}: ${count} ${this.unit}, ${average}/s average${now}, ${seconds.toFixed(1)} s   `,
    );
  }
}

/** Waits `seconds`, showing the time passed (an idle window). */
export async function waitWithProgress(label: string, seconds: number): Promise<void> {
  const startedMs = performance.now();
  const draw = (): void => {
    const elapsed = Math.min(seconds, (performance.now() - startedMs) / 1000);
    process.stderr.write(`\r${label}: ${elapsed.toFixed(0)}/${seconds} s   `);
  };
  const timer = setInterval(draw, REFRESH_MS);
  try {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } finally {
    clearInterval(timer);
    draw();
    process.stderr.write('\n');
  }
}
