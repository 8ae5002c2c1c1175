/**
 * The Stats panel's small uPlot charts: one figure per measure, one line for the whole instance
 * and one per charted script, and a caption with the latest values in words (a canvas says nothing
 * to a screen reader).
 */
import uPlot from "uplot";
import { h } from "../../dom.ts";
import type { Series } from "./history.ts";

/** Line colours, readable on white; the first is the instance's total. */
export const COLOURS = ["#1b1f24", "#0550ae", "#bc4c00", "#116329", "#8250df", "#a40e26"];
const HEIGHT = 150;
const MIN_SPAN_S = 120;

/** An axis value: `2/s`, `500 ms`, `1.5 s`. */
function tick(value: number, unit: string): string {
  if (unit === " ms" && value >= 1000) return `${value / 1000} s`;
  return `${value}${unit}`;
}

/** How many values a chart has to draw (gaps left out): `data-values` on its figure. */
function valuesIn(series: Series): number {
  return series.values.reduce((n, line) => n + line.filter((v) => v !== null).length, 0);
}

function latest(line: readonly (number | null)[]): number | null {
  for (let i = line.length - 1; i >= 0; i--) {
    const value = line[i];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

function options(
  width: number,
  unit: string,
  labels: readonly string[],
  firstColour: number,
): uPlot.Options {
  const axis = { stroke: "#57606a", grid: { stroke: "#d0d7de", width: 1 }, ticks: { show: false } };
  return {
    width,
    height: HEIGHT,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // At least two minutes wide, so that the first polls do not stretch across the chart.
      x: {
        time: true,
        // From the data itself: with one point uPlot widens the span it passes here to ~3 years.
        range: (u) => {
          const xs = u.data[0] ?? [];
          const end = xs.length > 0 ? xs[xs.length - 1]! : Date.now() / 1000;
          return [Math.min(xs[0] ?? end, end - MIN_SPAN_S), end];
        },
      },
      y: { range: (_u, _min, max) => [0, max !== null && max > 0 ? max * 1.15 : 1] },
    },
    axes: [{ ...axis }, {
      ...axis,
      size: 58,
      values: (_u, ticks) => ticks.map((t) => tick(t, unit)),
    }],
    series: [
      {},
      ...labels.map((label, i) => ({
        label,
        stroke: COLOURS[(i + firstColour) % COLOURS.length],
        width: i + firstColour === 0 ? 2 : 1.5,
        spanGaps: false,
        // Dots while there are few values: a lone value between gaps draws no line.
        points: { show: (_u: uPlot, _s: number, first: number, last: number) => last - first < 40 },
      })),
    ],
  };
}

export class Chart {
  readonly element: HTMLElement;
  private readonly plotArea: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private labelsKey = "";

  constructor(readonly id: string, private readonly title: string, private readonly unit: string) {
    this.caption = h("span", { class: "latest" });
    this.plotArea = h("div", { class: "plot" });
    this.element = h(
      "figure",
      { class: "stats-chart", "data-chart": id, "data-values": "0" },
      h("figcaption", {}, h("strong", {}, title), " ", this.caption),
      this.plotArea,
    );
  }

  /**
   * Draws `series` with one label per line, coloured from `COLOURS[firstColour]` on; a new set of
   * lines builds the chart anew.
   */
  update(labels: readonly string[], series: Series, firstColour = 0): void {
    const data: uPlot.AlignedData = [series.times, ...series.values];
    const key = labels.join("\n");
    if (this.plot && key === this.labelsKey) {
      this.plot.setData(data);
    } else {
      this.plot?.destroy();
      const width = this.plotArea.clientWidth || 360;
      this.plot = new uPlot(
        options(width, this.unit, labels, firstColour),
        data,
        this.plotArea,
      );
      this.labelsKey = key;
    }
    this.element.dataset.values = String(valuesIn(series));
    this.element.dataset.max = String(Math.max(0, ...series.values.flat().map((v) => v ?? 0)));
    const words = labels.map((label, i) => {
      const value = latest(series.values[i] ?? []);
      return `${label} ${value === null ? "–" : `${value}${this.unit}`}`;
    });
    this.caption.textContent = `now: ${words.join(", ")}`;
    this.element.setAttribute(
      "aria-label",
      `${this.title}, ${this.caption.textContent}; highest ${this.element.dataset.max}${this.unit}`,
    );
  }

  /** Follows its column's width (the window was resized). */
  fit(): void {
    const width = this.plotArea.clientWidth;
    if (this.plot && width > 0 && width !== this.plot.width) {
      this.plot.setSize({ width, height: HEIGHT });
    }
  }
}
