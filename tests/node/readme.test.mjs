// The README's walkthrough, run as written: every ```sh walkthrough block of README.md, in
// order, as one bash script (set -euo pipefail; every curl -f) against a fresh server with
// the demo set-up run.sh makes. It is read from the README, not copied, so the two cannot
// drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, SECRET } from './lib/server.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the README walkthrough runs as written against a fresh server', async () => {
  for (const tool of ['bash', 'curl', 'jq']) {
    if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is not installed (scripts/bootstrap.sh installs it)`);
  }
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh walkthrough\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, 'the README has its walkthrough');
  const server = await startServer();
  try {
    // What run.sh does to a new development database.
    const bin = process.env.ORDERCAST_BIN;
    const db = ['--database-url', server.databaseUrl];
    assert.equal(spawnSync(bin, ['city', 'add', 'Moscow', ...db]).status, 0);
    assert.equal(spawnSync(bin, ['menu', 'import', path.join(root, 'scripts/demo-menu.json'), ...db]).status, 0);
    assert.equal(spawnSync(bin, ['user', 'add', '--login', 'admin', '--role', 'admin', ...db], { input: 'a generated password\n' }).status, 0);
    const run = spawnSync('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OC: server.base, BIN: bin, JWT_SECRET: SECRET, DATABASE_URL: server.databaseUrl },
      timeout: 60000,
    });
    assert.equal(run.status, 0, `the walkthrough failed:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /"status":"ok"/, 'it got as far as /healthz');
  } finally {
    await server.stop();
  }
});
