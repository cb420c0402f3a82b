// The ordercast protocol subset (auth via ?token=, rooms by role, ping, POST /api/events)
// written the way most Node backends are: http + ws.
//   PORT=3000 JWT_SECRET=... node ws-server.mjs
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { verify, roomsFor } from './jwt.mjs';

const secret = process.env.JWT_SECRET;
const rooms = new Map();  // room -> Set of sockets

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on('connection', (ws, claims) => {
  ws.rooms = roomsFor(claims);
  for (const r of ws.rooms) {
    if (!rooms.has(r)) rooms.set(r, new Set());
    rooms.get(r).add(ws);
  }
  ws.isAlive = true;
  ws.on('pong', () => { ws.isAlive = true; });
  ws.on('message', (data) => {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if (msg.type === 'ping') ws.send('{"type":"pong"}');
  });
  ws.on('close', () => { for (const r of ws.rooms) rooms.get(r)?.delete(ws); });
  ws.send(JSON.stringify({ type: 'connected', data: { userId: claims.userId, role: claims.role } }));
});

setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.isAlive) { ws.terminate(); continue; }
    ws.isAlive = false;
    ws.ping();
  }
}, 30000).unref();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/events') {
    res.writeHead(404).end();
    return;
  }
  const claims = verify((req.headers.authorization ?? '').slice(7), secret);
  if (!claims) { res.writeHead(401).end(); return; }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const event = JSON.parse(body);
    const text = JSON.stringify({ type: event.type, data: event.data });
    const sent = new Set();
    for (const r of event.rooms) {
      for (const ws of rooms.get(r) ?? []) {
        if (sent.has(ws)) continue;
        sent.add(ws);
        ws.send(text);
      }
    }
    const reply = JSON.stringify({ recipients: sent.size });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) }).end(reply);
  });
});

server.on('upgrade', (req, socket, head) => {
  const token = new URL(req.url, 'http://x').searchParams.get('token');
  const claims = verify(token, secret);
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (!claims) { ws.close(4001, 'unauthorized'); return; }
    wss.emit('connection', ws, claims);
  });
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.error(`ws peer listening on 127.0.0.1:${server.address().port}`);
});
