// Charts (Chart.js, the portal's one chart library), only in the pages that draw them: this module is
// never part of the home page's first load. Values drawn are floats of whole units; the exact amounts
// are given beside each chart in text. Drawn without animation: a figure is a statement, not a show, and a
// screenshot or a resize never catches a bar on its way.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'
import { useEffect, useRef } from 'react'

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
)

export const PALETTE = ['#1f6feb', '#2da44e', '#bf8700', '#cf222e', '#8250df', '#0a7b83', '#6e7781']

function useChart(build: (canvas: HTMLCanvasElement) => Chart, deps: unknown[]) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (!ref.current) return
    const chart = build(ref.current)
    return () => chart.destroy()
  }, deps) // redrawn when the data (serialised by the caller) changes, not on every render
  return ref
}

export interface Slice {
  label: string
  value: number
  exact: string
}

export function DonutChart(props: { title: string; slices: Slice[]; testId?: string }) {
  const key = JSON.stringify(props.slices)
  const ref = useChart(
    (canvas) =>
      new Chart(canvas, {
        type: 'doughnut',
        data: {
          labels: props.slices.map((s) => s.label),
          datasets: [{ data: props.slices.map((s) => s.value), backgroundColor: PALETTE }],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, cutout: '60%', plugins: { legend: { display: false } } },
      }),
    [key],
  )
  return (
    <figure className="chart" data-testid={props.testId}>
      <div className="chart-canvas chart-donut">
        <canvas ref={ref} role="img" aria-label={props.title} />
      </div>
      <figcaption>
        <ul className="legend">
          {props.slices.map((slice, i) => (
            <li key={slice.label}>
              <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
              {slice.label}: <strong>{slice.exact}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  )
}

export interface Series {
  label: string
  values: number[]
  color?: string
}

export function BarChart(props: { title: string; labels: string[]; series: Series[]; stacked?: boolean; testId?: string }) {
  const key = JSON.stringify([props.labels, props.series, props.stacked])
  const ref = useChart(
    (canvas) =>
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: props.labels,
          datasets: props.series.map((series, i) => ({
            label: series.label,
            data: series.values,
            backgroundColor: series.color ?? PALETTE[i % PALETTE.length],
          })),
        },
        options: {
          responsive: true,
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { stacked: props.stacked }, y: { stacked: props.stacked, beginAtZero: true } },
          plugins: { legend: { display: props.series.length > 1, position: 'bottom' } },
        },
      }),
    [key],
  )
  return (
    <figure className="chart" data-testid={props.testId}>
      <div className="chart-canvas">
        <canvas ref={ref} role="img" aria-label={props.title} />
      </div>
      <figcaption className="muted small">{props.title}</figcaption>
    </figure>
  )
}

/** Lines over shared x labels; a null value leaves a gap (a cohort not yet that many months old). */
export function LineChart(props: {
  title: string
  labels: string[]
  series: { label: string; values: (number | null)[] }[]
  yTitle?: string
  testId?: string
}) {
  const key = JSON.stringify([props.labels, props.series, props.yTitle])
  const ref = useChart(
    (canvas) =>
      new Chart(canvas, {
        type: 'line',
        data: {
          labels: props.labels,
          datasets: props.series.map((series, i) => ({
            label: series.label,
            data: series.values,
            borderColor: PALETTE[i % PALETTE.length],
            backgroundColor: PALETTE[i % PALETTE.length],
            tension: 0,
            spanGaps: false,
          })),
        },
        options: {
          responsive: true,
          animation: false,
          maintainAspectRatio: false,
          scales: {
            y: { beginAtZero: true, title: { display: Boolean(props.yTitle), text: props.yTitle } },
          },
          plugins: { legend: { display: props.series.length > 1, position: 'bottom' } },
        },
      }),
    [key],
  )
  return (
    <figure className="chart" data-testid={props.testId}>
      <div className="chart-canvas">
        <canvas ref={ref} role="img" aria-label={props.title} />
      </div>
      <figcaption className="muted small">{props.title}</figcaption>
    </figure>
  )
}
