// A real headless Chromium driven over the DevTools protocol (with the `ws` package), so
// tests can run JavaScript in a page exactly as the Mini App and Admin Panel do.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export function findChromium() {
  for (const bin of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(bin)) return bin;
  return null;
}

export async function launchBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-chromium-'));
  const proc = spawn(findChromium(), [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  const devtools = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${log}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', () => (clearTimeout(timer), reject(new Error(`chromium exited: ${log}`))));
  });
  const targets = await (await fetch(`http://127.0.0.1:${devtools}/json/list`)).json();
  const page = targets.find((t) => t.type === 'page');
  const cdp = new WebSocket(page.webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => (cdp.on('open', resolve), cdp.on('error', reject)));
  let nextId = 1;
  const pending = new Map();
  cdp.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const p = pending.get(msg.id);
    if (p) (pending.delete(msg.id), p(msg));
  });
  const call = (method, params) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    cdp.send(JSON.stringify({ id, method, params }));
  });
  const api = {
    // Loads `url` in the page and waits until it has loaded.
    async navigate(url) {
      await call('Page.navigate', { url });
      for (let i = 0; i < 200; i++) {
        const loaded = await api.evaluate(`location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`).catch(() => false);
        if (loaded) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${url} did not load`);
    },
    // Runs `expression` in the page and returns its (awaited) value.
    async evaluate(expression) {
      const res = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (res.result?.exceptionDetails) throw new Error(JSON.stringify(res.result.exceptionDetails));
      return res.result.result.value;
    },
    async close() {
      cdp.close();
      const exited = new Promise((resolve) => proc.on('exit', resolve));
      process.kill(-proc.pid, 'SIGKILL');  // the whole group: Chromium forks helpers
      await exited;
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10 });
    },
  };
  return api;
}
