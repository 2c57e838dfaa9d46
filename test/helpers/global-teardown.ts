/** Stops the private redis-server the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.TEST_PRIVATE_REDIS_PID);
  if (pid > 0) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
}
