import { Client } from '@okta/okta-sdk-nodejs';
import type { Daemon } from '../../../src/daemon/daemon';
import { OKTA_HOOK_EVENT_TYPES } from '../../../src/okta/hook-events';
import { startPipelineRig, type PipelineRig, type RigOptions } from '../pipeline/pipeline-rig';

export { eventually } from '../pipeline/pipeline-rig';

/** The hook's Authorization value in these tests (long enough for the configuration check). */
export const HOOK_SECRET = 'Bearer test-hook-secret-0123456789abcdef0123456789';

/** Both simulators, a daemon with the event hook on (server, workers and poller), reconciled once, and a verified hook in the simulated Okta pointing at it. */
export interface HookRig {
  rig: PipelineRig;
  daemon: Daemon;
  /** The endpoint's URL (`…/hooks/okta`). */
  hookUrl: string;
  /** The hook's id in the simulated Okta. */
  hookId: string;
  sdk(): Client;
  /** The value of one series on the ops server's `/metrics` (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export async function startHookRig(opts: RigOptions & { register?: boolean } = {}): Promise<HookRig> {
  const rig = await startPipelineRig({ ...opts, env: { OKTA_EVENT_HOOK_SECRET: HOOK_SECRET, ...opts.env } });
  const daemon = rig.daemon({ roles: { server: true, workers: true, poller: true } });
  await daemon.start();
  const record = await daemon.jobs.reconcileNow('manual');
  if (record.status !== 'done') {
    throw new Error(`the first reconciliation ended ${record.status}`);
  }
  // The first poll finds no cursor and starts reading from now: later polls read what came since.
  await daemon.producers.poll(1);
  for (let i = 0; i < 100 && (await daemon.state.cursor.get()) === null; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const address = daemon.hookAddress();
  if (!address) {
    throw new Error('the hook endpoint is not served');
  }
  const hookUrl = `${address.url}/hooks/okta`;
  const sdk = () => {
    const client = new Client({ orgUrl: rig.okta.url, token: rig.okta.sim.token, cacheMiddleware: null });
    client.http.agent = undefined;
    return client;
  };
  let hookId = '';
  if (opts.register !== false) {
    const hook = await sdk().eventHookApi.createEventHook({
      eventHook: {
        name: 'okta-hubspot-sync',
        events: { type: 'EVENT_TYPE', items: [...OKTA_HOOK_EVENT_TYPES] },
        channel: { type: 'HTTP', version: '1.0.0', config: { uri: hookUrl, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: HOOK_SECRET } } },
      },
    });
    hookId = hook.id!;
    await sdk().eventHookApi.verifyEventHook({ eventHookId: hookId });
  }
  async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${daemon.opsAddress()!.url}/metrics`)).text();
    const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    for (const line of text.split('\n')) {
      if (!line.startsWith(name) || line.startsWith('#')) continue;
      const m = /^([a-z_]+)(\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
      if (m?.[1] === name && want.every((w) => (m[3] ?? '').split(',').includes(w))) {
        return Number(m[4]);
      }
    }
    return 0;
  }
  return { rig, daemon, hookUrl, hookId, sdk, metric, stop: () => rig.stop() };
}
