import { InvalidArgumentError, type Command } from 'commander';
import Redis from 'ioredis';
import type { Config } from '../../../config/load';
import { oktaConnection } from '../../okta/okta-connection';
import { createOktaEventHookClient, hookReceives, type EventHookInfo } from '../../okta/okta-event-hooks';
import { OKTA_HOOK_PATH } from '../../server/okta-hook-endpoint';
import { createHookStatusStore, type HookStatus } from '../../state/hook-status-store';
import { configOrExit, reportFailure } from '../cli-config';
import type { RegisterCommand } from '../command';

/** The public URL Okta will call: a bare origin gets `/hooks/okta`. */
function hookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL, e.g. https://sync.example.com/hooks/okta');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError('must be an https:// URL (Okta calls only HTTPS endpoints)');
  }
  if (url.pathname === '/' || url.pathname === '') {
    url.pathname = OKTA_HOOK_PATH;
  }
  return url.toString();
}

function describeHook(h: EventHookInfo): string {
  const state = hookReceives(h) ? 'receiving events' : h.status !== 'ACTIVE' ? 'INACTIVE: receives nothing' : 'UNVERIFIED: receives nothing until verified';
  return [`hook ${h.id} "${h.name}": ${h.status}, ${h.verificationStatus} (${state})`, `  URL: ${h.uri}`, `  auth header: ${h.authHeader ?? 'none'}`, `  event types: ${h.eventTypes.length}`].join('\n');
}

function describeDeliveries(s: HookStatus): string {
  const lag = s.lastLagMs === null ? 'unknown' : `${(s.lastLagMs / 1000).toFixed(1)} s`;
  return [
    `deliveries: ${s.deliveries} (last ${s.lastDeliveryAt ?? 'never'}, lag ${lag}); events ${s.eventsReceived}, duplicates ${s.duplicates}`,
    `rejected requests: ${s.rejected}${s.lastRejectedAt ? ` (last ${s.lastRejectedAt}: ${s.lastRejectedReason ?? '?'})` : ''}`,
    `events the poll found that the hook missed: ${s.missedByHook}${s.lastMissedAt ? ` (last ${s.lastMissedAt})` : ''}`,
    `failed deliveries Okta logged: ${s.deliveryFailures}${s.lastDeliveryFailureAt ? ` (last ${s.lastDeliveryFailureAt})` : ''}`,
    `last verification answered: ${s.lastVerifiedAt ?? 'never'}`,
  ].join('\n');
}

/** The hook's facts from Redis, or why they could not be read (a bounded attempt). */
async function readHookStatus(config: Config): Promise<HookStatus | string> {
  const redis = new Redis(config.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await createHookStatusStore(redis, config.env.SYNC_QUEUE_PREFIX).get();
  } catch {
    return 'Redis unreachable: delivery facts unknown';
  } finally {
    redis.disconnect();
  }
}

function hookClient(config: Config) {
  return createOktaEventHookClient(oktaConnection(config));
}

/** `hooks install | status | remove`: the Okta event hook that pushes changes to the daemon. */
export const registerHooks: RegisterCommand = (program: Command) => {
  const hooks = program.command('hooks').description('Manage the Okta event hook that pushes changes to the daemon in real time (the System Log poll stays as the backstop)');

  hooks
    .command('install')
    .description('Create (or update) the event hook in Okta, have Okta verify the URL and activate it. The daemon must be running with OKTA_EVENT_HOOK_SECRET and reachable at the URL.')
    .requiredOption('--url <public URL>', 'the HTTPS URL Okta calls, e.g. https://sync.example.com/hooks/okta (a bare origin gets /hooks/okta)', hookUrl)
    .action(async (opts: { url: string }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      const secret = config.env.OKTA_EVENT_HOOK_SECRET;
      if (secret === undefined) {
        process.stderr.write('OKTA_EVENT_HOOK_SECRET is not set: set it (the same value as the running daemon) so Okta sends it and the daemon accepts it\n');
        process.exitCode = 2;
        return;
      }
      try {
        const { hook, steps } = await hookClient(config).install({ url: opts.url, secret });
        process.stdout.write(`${steps.map((s) => `- ${s}`).join('\n')}\n${describeHook(hook)}\n`);
        process.exitCode = hookReceives(hook) ? 0 : 1;
      } catch (err) {
        reportFailure(config, 'could not install the Okta event hook (is the daemon running and reachable at the URL, with the same OKTA_EVENT_HOOK_SECRET? does the token have okta.eventHooks.manage?)', err);
      }
    });

  hooks
    .command('status')
    .description("Show the event hook in Okta (active, verified, URL) and what it delivered (from Redis). Exit 1 when there is no hook or it receives nothing.")
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      try {
        const hook = await hookClient(config).find();
        const deliveries = await readHookStatus(config);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ configured: config.env.OKTA_EVENT_HOOK_SECRET !== undefined, hook, deliveries }, null, 2)}\n`);
        } else {
          const lines = [
            config.env.OKTA_EVENT_HOOK_SECRET === undefined ? 'OKTA_EVENT_HOOK_SECRET is not set: the daemon serves no hook endpoint' : 'OKTA_EVENT_HOOK_SECRET is set: the daemon serves /hooks/okta',
            hook ? describeHook(hook) : 'no event hook named okta-hubspot-sync in Okta (run hooks install --url <public URL>)',
            typeof deliveries === 'string' ? deliveries : describeDeliveries(deliveries),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        process.exitCode = hook && hookReceives(hook) ? 0 : 1;
      } catch (err) {
        reportFailure(config, 'could not read the Okta event hook (does the token have okta.eventHooks.read?)', err);
      }
    });

  hooks
    .command('remove')
    .description('Deactivate and delete the event hook in Okta (the daemon keeps polling the System Log)')
    .action(async () => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      try {
        const removed = await hookClient(config).remove();
        process.stdout.write(removed ? 'the event hook was deactivated and deleted\n' : 'there was no event hook named okta-hubspot-sync\n');
      } catch (err) {
        reportFailure(config, 'could not remove the Okta event hook', err);
      }
    });
};
