// Debian's nginx running deploy/nginx-ordercast.conf (the TLS site) inside a minimal nginx.conf
// of the test's, with its ports pointed at the test's instances and a certificate from a CA
// made here with openssl.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';

const site = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/nginx-ordercast.conf');

async function listening(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('nginx did not listen');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function openssl(args, cwd) {
  const res = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${res.stderr}`);
}

// A throw-away CA and a certificate it signs for 127.0.0.1 and localhost.
function makeCertificates(dir) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ordercast test CA'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'], dir);
  return fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
}

export async function startNginx(upstreamPorts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-nginx-'));
  const ca = makeCertificates(dir);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const conf = fs.readFileSync(site, 'utf8')
    .replace('127.0.0.1:3001', `127.0.0.1:${upstreamPorts[0]}`)
    .replace('127.0.0.1:3002', `127.0.0.1:${upstreamPorts[1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replace(/\n\s*listen \[::\]:\d+[^;]*;/g, '')
    .replaceAll('/etc/ssl/ordercast/fullchain.pem', path.join(dir, 'server.pem'))
    .replaceAll('/etc/ssl/ordercast/privkey.pem', path.join(dir, 'server.key'))
    .replaceAll('/var/log/nginx/ordercast.access.log', path.join(dir, 'access.log'));
  fs.writeFileSync(path.join(dir, 'ordercast.conf'), conf);
  // What Debian's /etc/nginx/nginx.conf does around sites-enabled, written to the temporary
  // folder.
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path ${dir};
    proxy_temp_path ${dir};
    fastcgi_temp_path ${dir};
    uwsgi_temp_path ${dir};
    scgi_temp_path ${dir};
    include ${dir}/ordercast.conf;
}
`);
  const proc = spawn('nginx', ['-c', file, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  await Promise.race([
    Promise.all([listening(httpPort), listening(httpsPort)]),
    new Promise((_, reject) => proc.on('exit', () => reject(new Error(`nginx exited: ${log}`)))),
  ]);
  return {
    ca,
    httpBase: `http://127.0.0.1:${httpPort}`,
    base: `https://127.0.0.1:${httpsPort}`,
    wsUrl: (tok) => `wss://127.0.0.1:${httpsPort}/?token=${tok}`,
    accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8'),
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.on('exit', resolve));
        proc.kill('SIGQUIT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
