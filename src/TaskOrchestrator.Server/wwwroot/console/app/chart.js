// A live line chart (uPlot) whose colours come from the theme's CSS variables.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';

const height = 200;

function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || 'gray';
}

// series: [{ label, color: '--css-variable', unit }]; data: [xs (unix seconds), ...ys]; theme: redraws on change.
export function LineChart({ title, series, data, theme, unit }) {
  const box = useRef(null);
  const plot = useRef(null);

  useEffect(() => {
    const element = box.current;
    const axis = { stroke: cssColor('--muted'), grid: { stroke: cssColor('--grid'), width: 1 }, ticks: { stroke: cssColor('--grid'), width: 1 } };
    plot.current = new uPlot({
      width: Math.max(element.clientWidth, 200),
      height,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: cssColor(s.color), width: 2, points: { show: false }, value: (_, v) => v === null || v === undefined ? '—' : `${v} ${unit}` }))],
      axes: [axis, { ...axis, size: 56, values: (_, ticks) => ticks.map((t) => `${t}`) }],
      scales: { x: { time: true }, y: { range: (_, min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }, data, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [theme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return html`
    <figure class="chart">
      <figcaption>${title}</figcaption>
      <div class="chart-box" ref=${box}></div>
    </figure>`;
}
