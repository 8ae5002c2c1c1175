/**
 * A bounded sample of durations: the last `size` values, written in place (one array slot per
 * request once full), and the percentiles of what it holds.
 */
export interface Sample {
  values: number[];
  /** Where the next value goes once the sample is full. */
  next: number;
}

export const newSample = (): Sample => ({ values: [], next: 0 });

export function addToSample(sample: Sample, value: number, size: number): void {
  if (sample.values.length < size) sample.values.push(value);
  else {
    sample.values[sample.next] = value;
    sample.next = (sample.next + 1) % size;
  }
}

/** The values oldest first. */
export function inOrder(sample: Sample): number[] {
  const { values, next } = sample;
  return next === 0 ? values.slice() : [...values.slice(next), ...values.slice(0, next)];
}

/** Nearest-rank percentile (`p` in 0..100) of ascending `sorted`; 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const ascending = (values: number[]): number[] => values.sort((a, b) => a - b);
