// Requests of one event-loop turn answered by one query: when hundreds of desks start at once
// their first requests arrive together, and each would otherwise take a pooled connection (and
// wake a database backend) for a small read of its own. Used for the device token lookups
// (auth.ts) and the pull heads (pullHeads.ts).

interface Waiter<Q, A> {
  q: Q;
  resolve: (a: A) => void;
  reject: (e: unknown) => void;
}

export class TurnBatch<Q, A> {
  private pending: Array<Waiter<Q, A>> = [];
  private scheduled = false;

  /**
   * `run` answers a batch of at most `most` requests, in their order. The batch is sent at the
   * end of the turn (setImmediate), so a lone request waits for nothing; a failed query fails
   * the requests of its batch only.
   */
  constructor(
    private readonly run: (qs: Q[]) => Promise<A[]>,
    private readonly most: number,
  ) {}

  ask(q: Q): Promise<A> {
    return new Promise((resolve, reject) => {
      this.pending.push({ q, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let k = 0; k < all.length; k += this.most) {
      const part = all.slice(k, k + this.most);
      // A throw inside `run` is a rejection like any other.
      Promise.resolve()
        .then(() => this.run(part.map((w) => w.q)))
        .then(
          (answers) => part.forEach((w, i) => w.resolve(answers[i] as A)),
          (err: unknown) => {
            for (const w of part) w.reject(err);
          },
        );
    }
  }
}

/** One batcher per owner object (a database: the urgent one batches apart). */
export function perOwner<O extends object, B>(make: (owner: O) => B): (owner: O) => B {
  const made = new WeakMap<O, B>();
  return (owner) => {
    let b = made.get(owner);
    if (!b) {
      b = make(owner);
      made.set(owner, b);
    }
    return b;
  };
}
