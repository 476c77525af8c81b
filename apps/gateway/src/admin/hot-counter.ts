import { Counter, type Aggregator, type LabelValues, type Registry } from 'prom-client';

/** One labelled series of a hot-path counter. */
export interface HotSeries {
  inc(): void;
}

interface Tally<L extends string> {
  labels: LabelValues<L>;
  count: number;
  reported: number;
}

/**
 * A counter bumped for every connection or request. prom-client hashes the label set on each inc(),
 * even through labels(); here each series is a plain number, added to the Prometheus counter when it
 * is collected (a scrape, or the primary summing its workers).
 */
export class HotCounter<L extends string> {
  readonly counter: Counter<L>;
  readonly #series = new Map<string, Tally<L>>();

  constructor(
    registry: Registry,
    name: string,
    help: string,
    private readonly labelNames: L[],
    aggregator: Aggregator = 'sum',
  ) {
    this.counter = new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      aggregator,
      collect: () => this.#flush(),
    });
  }

  /** The series of these labels, to keep and bump. */
  series(labels: LabelValues<L>): HotSeries {
    const key = this.labelNames.map((n) => String(labels[n] ?? '')).join('\0');
    let tally = this.#series.get(key);
    if (!tally) {
      tally = { labels, count: 0, reported: 0 };
      this.#series.set(key, tally);
    }
    const t = tally;
    return {
      inc() {
        t.count++;
      },
    };
  }

  inc(labels: LabelValues<L>): void {
    this.series(labels).inc();
  }

  #flush(): void {
    for (const t of this.#series.values()) {
      if (t.count === t.reported) continue;
      this.counter.inc(t.labels, t.count - t.reported);
      t.reported = t.count;
    }
  }
}
