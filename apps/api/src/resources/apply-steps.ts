/** One document of an apply, as far as ordering is concerned. */
export interface ApplyDocument {
  /** `secrets`, `gateways`, ... or undefined when the kind is not keyway's (it fails alone). */
  plural?: string;
  /** `<namespace>/<name>`. */
  object: string;
}

/**
 * The order an apply's documents are applied in, as steps: every document of a step goes at the
 * same time, and a step starts once the one before it is done.
 *
 * Documents are applied in the order given, as kubectl does, with one exception that makes bulk
 * renewals fast: consecutive Secrets go to the secret-watcher together, so its group commit records
 * them in one transaction instead of one round trip each. Nothing is lost by it: a Secret's
 * credentials depend only on its own family (`<name>` and `<name>-cacert`), which reaches the same
 * state in any order, and a Secret named twice in a run starts a new step, so its last document
 * wins as before. A Gateway after its Secrets still sees them applied.
 */
export function applySteps(documents: readonly ApplyDocument[]): number[][] {
  const steps: number[][] = [];
  let run: number[] = [];
  let inRun = new Set<string>();
  const endRun = () => {
    if (run.length) steps.push(run);
    run = [];
    inRun = new Set();
  };
  documents.forEach((doc, i) => {
    if (doc.plural !== 'secrets') {
      endRun();
      steps.push([i]);
      return;
    }
    if (inRun.has(doc.object)) endRun();
    run.push(i);
    inRun.add(doc.object);
  });
  endRun();
  return steps;
}

/** Runs `work` for every item, at most `limit` at a time; resolves when all are done. */
export async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
