/** A time-series line chart (uPlot), sized to its container, following light/dark mode. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of the chart; `color` is a CSS variable name such as `--chart-1`. */
export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

interface TimeChartProps {
  /** Accessible summary of what the chart shows. */
  label: string;
  /** Sample times in seconds since the epoch. */
  times: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  /** The y axis reaches at least this far, so an idle network draws a flat line, not noise. */
  minMax?: number;
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
}

interface Shape {
  series: ChartSeries[];
  format: (v: number) => string;
  minMax: number;
  integer: boolean;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Axis width from its longest label, so wide units such as "12.5 Mbit/s" are never cut. */
function axisSize(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx]!;
  if (cycleNum > 1 && axis.size !== undefined && typeof axis.size === 'number') return axis.size;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  let size = 16;
  if (longest) {
    u.ctx.font = (axis.font as unknown as string[] | undefined)?.[0] ?? u.ctx.font;
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

const WINDOW_SECONDS = 3600;

/** Time labels in the reader's locale and time zone (the window is one hour, so no date). */
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

const INTEGER_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7,
];

function buildOptions(
  width: number,
  height: number,
  { series, format, minMax, integer }: Shape,
): uPlot.Options {
  const axis = cssVar('--muted');
  const grid = cssVar('--border');
  const axisStyle = {
    stroke: axis,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  };
  return {
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      // Always the last hour, so a young Hub with a few samples draws them at the right end.
      x: {
        time: true,
        range: (_u, _min, max) => {
          const end = Math.max(max || 0, Date.now() / 1000);
          return [end - WINDOW_SECONDS, end];
        },
      },
      y: { range: (_u, _min, max) => [0, Math.max(minMax, (max || 0) * 1.1)] },
    },
    axes: [
      { ...axisStyle, values: (_u, ticks) => ticks.map((t) => clock.format(t * 1000)) },
      {
        ...axisStyle,
        size: axisSize,
        values: (_u, ticks) => ticks.map(format),
        ...(integer ? { incrs: INTEGER_STEPS } : {}),
      },
    ],
    series: [
      {},
      ...series.map((s) => {
        const color = cssVar(s.color);
        return {
          label: s.label,
          stroke: color,
          width: 2,
          fill: `color-mix(in srgb, ${color} 12%, transparent)`,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)),
        };
      }),
    ],
  };
}

/** Re-created when the colour scheme changes; data updates go through setData. */
export function TimeChart({
  label,
  times,
  series,
  format,
  height = 200,
  minMax = 1,
  integer = false,
}: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ times, shape: { series, format, minMax, integer } });
  latest.current = { times, shape: { series, format, minMax, integer } };
  const shape = `${series.map((s) => `${s.label}:${s.color}`).join('|')}/${minMax}/${integer}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const create = (): void => {
      plot.current?.destroy();
      const { times: t, shape: sh } = latest.current;
      plot.current = new uPlot(
        buildOptions(el.clientWidth || 300, height, sh),
        [t, ...sh.series.map((x) => x.values)],
        el,
      );
    };
    create();
    const resize = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0)
        plot.current.setSize({ width: el.clientWidth, height });
    });
    resize.observe(el);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', create);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', create);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [height, shape]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)]);
  }, [times, series]);

  return (
    <div className="chart-wrap">
      <div
        className="chart"
        ref={box}
        role="img"
        aria-label={label}
        style={{ minHeight: height + 40 }}
      />
      {times.length < 2 && <p className="chart__note">Collecting samples: one every 10 seconds.</p>}
    </div>
  );
}
