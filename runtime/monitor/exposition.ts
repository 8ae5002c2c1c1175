/**
 * The Prometheus text exposition format 0.0.4: families with HELP and TYPE lines, samples with
 * escaped label values.
 */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Record<string, string>;

/** A label value: backslash, double quote and line feed escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`);
}

/** HELP text: backslash and line feed escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\n" ? "\\n" : "\\\\");
}

/** A sample value: integers as they are, NaN and infinities by their names. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

export function sampleLine(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`;
}

/** Writes families one after another: each HELP and TYPE once, then its samples. */
export class Exposition {
  #lines: string[] = [];

  counter(name: string, help: string, samples: readonly [Labels, number][]): this {
    return this.family(name, "counter", help, samples);
  }

  gauge(name: string, help: string, samples: readonly [Labels, number][]): this {
    return this.family(name, "gauge", help, samples);
  }

  family(
    name: string,
    type: "counter" | "gauge",
    help: string,
    samples: readonly [Labels, number][],
  ): this {
    this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.#lines.push(sampleLine(name, labels, value));
    return this;
  }

  /** A histogram: cumulative `_bucket{le}` per bound and +Inf, then `_sum` and `_count`. */
  histogram(
    name: string,
    help: string,
    series: readonly {
      labels: Labels;
      bounds: readonly number[];
      counts: readonly number[];
      sum: number;
      count: number;
    }[],
  ): this {
    this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} histogram`);
    for (const { labels, bounds, counts, sum, count } of series) {
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        this.#lines.push(
          sampleLine(`${name}_bucket`, { ...labels, le: String(bound) }, cumulative),
        );
      });
      this.#lines.push(sampleLine(`${name}_bucket`, { ...labels, le: "+Inf" }, count));
      this.#lines.push(sampleLine(`${name}_sum`, labels, sum));
      this.#lines.push(sampleLine(`${name}_count`, labels, count));
    }
    return this;
  }

  text(): string {
    return this.#lines.join("\n") + "\n";
  }
}
