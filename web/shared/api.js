// The HTTP API (docs/http-api.md) as the signed-in person: JSON in and out; a refusal becomes
// an ApiError carrying the server's status, code and message, so that the page can show it.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// One request: the answer's JSON, or an ApiError (code `network` when there was no answer).
export async function request(method, path, body, headers = {}) {
  const all = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
  let res;
  try {
    res = await fetch(path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  if (res.ok) return json;
  throw new ApiError(res.status, json?.error ?? `http-${res.status}`, json?.message ?? `HTTP ${res.status}`);
}

// Requests as the signed-in person: `token()` gives the current token; `unauthorized()`
// runs on a 401 (the token is over).
export function apiClient(token, unauthorized) {
  return async function call(method, path, body, extra = {}) {
    try {
      return await request(method, path, body, { authorization: `Bearer ${token()}`, ...extra });
    } catch (e) {
      if (e.status === 401) unauthorized();
      throw e;
    }
  };
}

// A token's claims, unverified (the server judges the token; pages only read `exp` and who
// it names); nothing for a malformed one.
export function claims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
}

// The WebSocket address of the server that served the page.
export function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
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
