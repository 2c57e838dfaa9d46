import { ensureRedis } from './redis-server';

/** Jest global setup for integration tests: makes REDIS_URL point at a working Redis. */
export default async function globalSetup(): Promise<void> {
  const { url, child } = await ensureRedis();
  process.env.REDIS_URL = url;
  if (child?.pid) {
    process.env.TEST_PRIVATE_REDIS_PID = String(child.pid);
  }
}
