// The HTTP API (docs/http-api.md) as the signed-in person: JSON in and out; a refusal becomes
// an ApiError carrying the server's status, code and message, so that the page can show it.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// `token()` gives the current token; `unauthorized()` runs on a 401 (the token is over).
export function apiClient(token, unauthorized) {
  return async function call(method, path, body, extra = {}) {
    const headers = { authorization: `Bearer ${token()}`, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', 'network');
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {}
    if (res.ok) return json;
    if (res.status === 401) unauthorized();
    throw new ApiError(res.status, json?.error ?? `http-${res.status}`, json?.message ?? `HTTP ${res.status}`);
  };
}

// Every page of GET /api/orders?QUERY, following next_before.
export async function allOrders(call, query, { stopBefore } = {}) {
  const orders = [];
  let before = null;
  for (;;) {
    const page = await call('GET', `/api/orders?${query}&limit=100${before ? `&before=${before}` : ''}`);
    orders.push(...page.orders);
    if (page.next_before === null || (stopBefore && page.orders.some(stopBefore))) return orders;
    before = page.next_before;
  }
}
