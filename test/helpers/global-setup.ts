import { ensureRedis } from '../../src/lib/redis-locator';

/** Jest global setup for integration tests: makes REDIS_URL point at a working Redis. */
export default async function globalSetup(): Promise<void> {
  const { url, child } = await ensureRedis(process.env);
  process.env.REDIS_URL = url;
  if (child?.pid) {
    process.env.TEST_PRIVATE_REDIS_PID = String(child.pid);
  }
}
