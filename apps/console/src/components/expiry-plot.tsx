import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Certificates expiring per day (uPlot bars); the figure is described for screen readers by `label`. */
export function ExpiryPlot({ data, label }: { data: [number[], number[]]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(320, el.clientWidth || 800);
    const plot = new uPlot(
      {
        width,
        height: 180,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ stroke: '#333' }, { stroke: '#333', label: 'expiring', size: 50 }],
        series: [
          {},
          {
            label: 'expiring',
            stroke: '#1f5fa8',
            fill: 'rgba(31,95,168,0.35)',
            paths: uPlot.paths.bars!({ size: [0.8, 24] }),
            points: { show: false },
          },
        ],
      },
      data,
      el,
    );
    return () => plot.destroy();
  }, [data]);
  return <div ref={host} className="plot" role="img" aria-label={label} data-testid="expiry-plot" />;
}
