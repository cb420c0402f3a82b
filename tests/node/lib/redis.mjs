// A real redis-server (Debian's) on a free loopback port, for the scale-out tests.
import { spawn } from 'node:child_process';
import { freePort } from './ports.mjs';


async function launch(port, password) {
  const auth = password ? ['--requirepass', password] : [];
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on('exit', () => (clearTimeout(timer), reject(new Error(`redis-server exited: ${out}`))));
  });
  return proc;
}

// With `password`, clients must AUTH and the URL carries it (redis://:password@host:port).
export async function startRedis({ password } = {}) {
  const port = await freePort();
  let proc = await launch(port, password);
  const stopProc = async () => {
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  return {
    url: password ? `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    async stop() { if (proc?.signalCode === null) proc.kill('SIGCONT'); await stopProc(); },
    // Frozen (SIGSTOP): connections stay open and nothing is answered.
    freeze() { proc.kill('SIGSTOP'); },
    thaw() { proc.kill('SIGCONT'); },
    async restart() { proc = await launch(port, password); },
  };
}
