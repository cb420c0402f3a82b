// Debian's nginx running deploy/nginx.conf, with its ports pointed at the test's instances.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';

const deployConf = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/nginx.conf');


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

export async function startNginx(upstreamPorts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-nginx-'));
  const port = await freePort();
  let conf = fs.readFileSync(deployConf, 'utf8')
    .replace('127.0.0.1:3001', `127.0.0.1:${upstreamPorts[0]}`)
    .replace('127.0.0.1:3002', `127.0.0.1:${upstreamPorts[1]}`)
    .replace('listen 3000;', `listen 127.0.0.1:${port};`)
    .replace('worker_processes auto;', 'worker_processes 1;')
    .replace('worker_connections 20000;', 'worker_connections 1024;');
  // Everything nginx writes goes to the temporary folder.
  conf = `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\n` + conf.replace('http {', `http {\n    access_log off;\n    client_body_temp_path ${dir};\n    proxy_temp_path ${dir};\n    fastcgi_temp_path ${dir};\n    uwsgi_temp_path ${dir};\n    scgi_temp_path ${dir};`);
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, conf);
  const proc = spawn('nginx', ['-c', file, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  await Promise.race([
    listening(port),
    new Promise((_, reject) => proc.on('exit', () => reject(new Error(`nginx exited: ${log}`)))),
  ]);
  return {
    base: `http://127.0.0.1:${port}`,
    wsUrl: (tok) => `ws://127.0.0.1:${port}/?token=${tok}`,
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
