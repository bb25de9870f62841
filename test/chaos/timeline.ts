/**
 * timeline.html for a chaos run: one self-contained page (inline SVG and a few lines of inline
 * script for hover details; nothing from the network) showing
 *   - every operation as a bar from invoke to completion, one lane per worker (a worker's
 *     successive Jepsen processes share its lane), coloured by outcome (ok / fail / info);
 *   - fault windows shaded across the whole chart, labelled;
 *   - the latency of every completed op over time (log scale).
 * Pure: builds a string from the history.
 */
import type { ClientEvent, HistoryEvent } from './history.js';
import { isNemesis } from './history.js';
import type { FaultWindow } from './nemesis.js';
import { DRAIN_PROCESS_BASE } from './report.js';

const WIDTH = 1400;
const LEFT = 90;
const LANE_HEIGHT = 18;
const LATENCY_HEIGHT = 220;
const COLOURS = { ok: '#2e9e44', fail: '#d9342b', info: '#f0a020' } as const;
const FAMILY_COLOURS: Record<string, string> = {
  kill: '#d9342b',
  pause: '#7a4fd1',
  partition: '#1f6fd1',
  delay: '#c98a00',
  power: '#111111',
  corrupt: '#b0306f',
};

interface Op {
  readonly lane: number;
  readonly invokeNs: number;
  readonly completeNs: number;
  readonly type: 'ok' | 'fail' | 'info';
  readonly label: string;
}

function pairOps(history: readonly HistoryEvent[], workers: number): Op[] {
  const open = new Map<number, ClientEvent>();
  const ops: Op[] = [];
  for (const event of history) {
    if (isNemesis(event)) continue;
    if (event.type === 'invoke') {
      open.set(event.process, event);
      continue;
    }
    const invoke = open.get(event.process);
    open.delete(event.process);
    if (invoke === undefined || event.f === 'assign') continue;
    const lane = event.process >= DRAIN_PROCESS_BASE ? workers : event.process % workers;
    ops.push({
      lane,
      invokeNs: invoke.time,
      completeNs: event.time,
      type: event.type,
      label: `p${event.process} ${event.f} ${event.type} ${JSON.stringify(event.value).slice(0, 160)}${event.error === undefined ? '' : ` — ${event.error.slice(0, 200)}`}`,
    });
  }
  return ops;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function timelineHtml(
  history: readonly HistoryEvent[],
  windows: readonly FaultWindow[],
  workers: number,
  title: string,
): string {
  const ops = pairOps(history, workers);
  const endNs = Math.max(1, ...history.map((event) => event.time));
  const x = (ns: number): number => LEFT + ((WIDTH - LEFT - 10) * ns) / endNs;
  const lanes = workers + 1;
  const lanesHeight = lanes * LANE_HEIGHT + 30;
  const latencyTop = lanesHeight + 30;
  const height = latencyTop + LATENCY_HEIGHT + 40;
  const parts: string[] = [];
  for (const window of windows) {
    const start = x(window.startNs);
    const end = x(window.healNs ?? endNs);
    const colour = FAMILY_COLOURS[window.family] ?? '#888';
    parts.push(
      `<rect x="${start.toFixed(1)}" y="0" width="${Math.max(1, end - start).toFixed(1)}" height="${height - 20}" fill="${colour}" opacity="0.12"><title>${escape(window.description)}</title></rect>`,
      `<text x="${(start + 2).toFixed(1)}" y="${lanesHeight + 14}" font-size="10" fill="${colour}">${escape(window.family)}</text>`,
    );
  }
  for (let lane = 0; lane < lanes; lane++) {
    const y = 10 + lane * LANE_HEIGHT;
    const name = lane === workers ? 'drain' : `worker ${lane}`;
    parts.push(`<text x="4" y="${y + 12}" font-size="11">${name}</text>`);
  }
  for (const op of ops) {
    const y = 10 + op.lane * LANE_HEIGHT + 2;
    const start = x(op.invokeNs);
    const width = Math.max(1, x(op.completeNs) - start);
    parts.push(
      `<rect x="${start.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${LANE_HEIGHT - 4}" fill="${COLOURS[op.type]}" data-l="${escape(op.label)}"/>`,
    );
  }
  parts.push(...latencyPlot(ops, x, latencyTop));
  parts.push(...timeAxis(endNs, x, height - 12));
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) counts[op.type] += 1;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;margin:12px}#tip{position:fixed;background:#fff;border:1px solid #999;padding:4px;font-size:12px;max-width:600px;display:none;pointer-events:none}</style>
</head><body>
<h3>${escape(title)}</h3>
<p>${ops.length} ops: <span style="color:${COLOURS.ok}">■ ok ${counts.ok}</span> <span style="color:${COLOURS.fail}">■ fail ${counts.fail}</span> <span style="color:${COLOURS.info}">■ info ${counts.info}</span>; shaded: fault windows (${Object.entries(
    FAMILY_COLOURS,
  )
    .map(([family, colour]) => `<span style="color:${colour}">${family}</span>`)
    .join(', ')}). Hover a bar for the op.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">
${parts.join('\n')}
</svg>
<div id="tip"></div>
<script>
const tip = document.getElementById('tip');
document.querySelector('svg').addEventListener('mousemove', (e) => {
  const label = e.target.getAttribute && e.target.getAttribute('data-l');
  if (!label) { tip.style.display = 'none'; return; }
  tip.textContent = label; tip.style.display = 'block';
  tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
});
</script>
</body></html>
`;
}

function latencyPlot(ops: readonly Op[], x: (ns: number) => number, top: number): string[] {
  const parts: string[] = [];
  const latenciesMs = ops.map((op) => Math.max(0.1, (op.completeNs - op.invokeNs) / 1e6));
  const maxMs = Math.max(10, ...latenciesMs);
  const logMax = Math.log10(maxMs);
  const logMin = -1;
  const y = (ms: number): number =>
    top + LATENCY_HEIGHT - (LATENCY_HEIGHT * (Math.log10(ms) - logMin)) / (logMax - logMin);
  parts.push(
    `<text x="4" y="${top - 6}" font-size="11">latency (ms, log)</text>`,
    `<line x1="${LEFT}" y1="${top + LATENCY_HEIGHT}" x2="${WIDTH - 10}" y2="${top + LATENCY_HEIGHT}" stroke="#999"/>`,
  );
  for (let decade = 0; 10 ** decade <= maxMs; decade++) {
    const ms = 10 ** decade;
    parts.push(
      `<line x1="${LEFT}" y1="${y(ms).toFixed(1)}" x2="${WIDTH - 10}" y2="${y(ms).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${LEFT - 40}" y="${(y(ms) + 4).toFixed(1)}" font-size="10">${ms}</text>`,
    );
  }
  ops.forEach((op, index) => {
    const ms = latenciesMs[index] ?? 0.1;
    parts.push(
      `<circle cx="${x(op.completeNs).toFixed(1)}" cy="${y(ms).toFixed(1)}" r="1.6" fill="${COLOURS[op.type]}" data-l="${escape(`${ms.toFixed(1)} ms: ${op.label}`)}"/>`,
    );
  });
  return parts;
}

function timeAxis(endNs: number, x: (ns: number) => number, y: number): string[] {
  const parts: string[] = [];
  const endS = endNs / 1e9;
  const step = endS > 120 ? 30 : endS > 40 ? 10 : 5;
  for (let second = 0; second <= endS; second += step) {
    parts.push(
      `<text x="${x(second * 1e9).toFixed(1)}" y="${y}" font-size="10" text-anchor="middle">${second}s</text>`,
    );
  }
  return parts;
}
