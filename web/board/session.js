// Who is signed in: the token lives in this tab's sessionStorage only (gone when the tab
// closes, never in a cookie). When it runs out, the official client's getToken asks for the
// sign-in form again and waits for it.

import { claims } from '../shared/api.js';

const KEY = 'ordercast.board.token';

export class Session {
  constructor(storage) {
    this.storage = storage;
    this.token = storage.getItem(KEY);
    this.asking = null; // a sign-in the client waits for
    this.onAsk = () => {};
  }

  // Not past its `exp` yet (the server says the rest).
  fresh() {
    const exp = this.token && claims(this.token)?.exp;
    return Number.isFinite(exp) && exp * 1000 > Date.now();
  }

  set(token) {
    this.token = token;
    this.storage.setItem(KEY, token);
    const asking = this.asking;
    this.asking = null;
    asking?.resolve(token);
  }

  clear() {
    this.token = null;
    this.storage.removeItem(KEY);
  }

  // For the client: the token, or — when it has run out — the one the next sign-in gives.
  getToken = async () => {
    if (this.fresh()) return this.token;
    if (!this.asking) {
      let resolve;
      const promise = new Promise((r) => (resolve = r));
      this.asking = { promise, resolve };
      this.onAsk();
    }
    return this.asking.promise;
  };
}
