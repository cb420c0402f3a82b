// Two ordercast instances on one real PostgreSQL and one real Redis, both ready: what the
// scale-out suites run against.
import { startServer, readiness, eventually } from './server.mjs';
import { startRedis } from './redis.mjs';
import { startPostgres } from './postgres.mjs';

export async function startCluster(env = {}) {
  const pg = await startPostgres();
  const redis = await startRedis();
  const shared = { REDIS_URL: redis.url, DATABASE_URL: pg.url, ...env };
  const a = await startServer([], shared);
  const b = await startServer([], shared);
  await eventually(async () => (await readiness(a)).status === 200 && (await readiness(b)).status === 200);
  return {
    pg, redis, a, b,
    async stop() {
      await a.stop();
      await b.stop();
      await redis.stop();
      await pg.stop();
    },
  };
}
