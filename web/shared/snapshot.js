// State loaded over HTTP once and then kept by events (docs/client.md's pattern): events
// that arrive while a snapshot loads wait for it and are applied on top. A subclass applies
// one event in handle(type, data) and puts a snapshot in place before it calls settle().
export class Snapshot {
  constructor() {
    this.loading = false;
    this.waiting = [];
  }

  beginLoad() {
    this.loading = true;
    this.waiting = [];
  }

  // The snapshot is in place (or failed, and what was held stays): the waiting events apply.
  settle() {
    this.loading = false;
    for (const [type, data] of this.waiting.splice(0)) this.handle(type, data);
  }

  failLoad() {
    this.settle();
  }

  apply(type, data) {
    if (this.loading) this.waiting.push([type, data]);
    else this.handle(type, data);
  }
}
