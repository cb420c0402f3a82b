// The one stand-in of the project: a local fake of Gulyash, the restaurant's system, which
// is a third party. It records every delivery and can answer ok, 503, hang, or refuse
// connections altogether.
import http from 'node:http';

export async function startGulyash() {
  let mode = 'ok';
  const received = [];
  const waiters = [];
  const hanging = new Set();
  const open = new Set();  // keys of requests not yet answered
  const overlaps = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      // The same change sent again while an earlier send of it is still open.
      if (open.has(key)) overlaps.push(key);
      open.add(key);
      res.on('close', () => open.delete(key));
      if (mode === 'hang') {
        hanging.add(res);
        return;
      }
      const delivery = {
        method: req.method,
        path: req.url,
        key: req.headers['idempotency-key'],
        auth: req.headers.authorization,
        body: JSON.parse(body),
        answered: mode === 'ok' ? 200 : 503,
      };
      received.push(delivery);
      for (const w of waiters.splice(0)) w();
      if (mode === 'ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else res.writeHead(503).end('busy');
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    overlaps,
    setMode(m) { mode = m; },
    // Hanging requests are answered no more (as a timed-out peer's would not be).
    dropHanging() {
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    // Resolves once `n` deliveries have been received in all.
    async waitFor(n, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${received.length} of ${n} deliveries arrived`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, deadline - Date.now());
        });
      }
      return received;
    },
    // Connections are refused until resume().
    async refuse() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    async resume() {
      await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}
