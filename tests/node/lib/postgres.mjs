// A real PostgreSQL 15 (Debian's) in a temporary folder on a free loopback port. As root,
// initdb and the server run as the `postgres` user (the server directly, so signals reach it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.mjs';

const bin = '/usr/lib/postgresql/15/bin';


function postgresUser() {
  if (process.getuid() !== 0) return {};
  const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString());
  const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString());
  return { uid, gid };
}

function signalAll(pid, signal) {
  spawnSync('pkill', [`-${signal}`, '-P', String(pid)]);
  process.kill(pid, `SIG${signal}`);
}

export async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-pg-'));
  const user = postgresUser();
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const init = spawnSync(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { ...user });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const launch = async () => {
    const child = spawn(`${bin}/postgres`, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
      ...user,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`postgres did not start: ${out}`)), 30000);
      const onData = (chunk) => {
        out += chunk;
        if (out.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => (clearTimeout(timer), reject(new Error(`postgres exited: ${out}`))));
    });
    return child;
  };
  let proc = await launch();
  const halt = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill('SIGQUIT');
    await exited;
  };
  const urlOf = (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  return {
    url: urlOf('postgres'),
    urlOf,
    // Runs SQL through Debian's psql (as an operator would).
    sql(statement, db = 'postgres') {
      const res = spawnSync('psql', [urlOf(db), '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
      return res.stdout;
    },
    // Down and up again on the same port and data: what an outage looks like to clients.
    async halt() { await halt(); },
    // Frozen, not gone: every PostgreSQL process is stopped (SIGSTOP), so connections stay
    // open and queries simply never answer — a hung database, not a refused one.
    freeze() { signalAll(proc.pid, 'STOP'); },
    thaw() { signalAll(proc.pid, 'CONT'); },
    async resume() { proc = await launch(); },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) signalAll(proc.pid, 'CONT');
      await halt();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
