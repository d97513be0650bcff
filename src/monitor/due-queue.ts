/**
 * The scheduler's queue: check ids by due time in a binary min-heap, so a tick costs
 * O(due · log n) and "when is the next one due" O(1). With 10,000 checks a scan of every check
 * per tick (the loop wakes ~100 times a second at that scale) was the scheduler's main cost.
 */
export interface DueEntry {
  at: number;
  id: string;
}

export class DueQueue {
  private h: DueEntry[] = [];

  get size(): number {
    return this.h.length;
  }

  /** Due time of the earliest entry, or null when empty. */
  peek(): number | null {
    return this.h[0]?.at ?? null;
  }

  push(id: string, at: number): void {
    const h = this.h;
    h.push({ at, id });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): DueEntry | null {
    const h = this.h;
    if (h.length === 0 || h[0]!.at > now) return null;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
