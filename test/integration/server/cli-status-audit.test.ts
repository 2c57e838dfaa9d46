import { Command } from 'commander';
import Redis from 'ioredis';
import { registerAudit } from '../../../src/cli/commands/audit';
import { registerStatus } from '../../../src/cli/commands/status';
import { createState } from '../../../src/state/state';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { SECRETS, samplePlan } from '../../unit/server/ops-fixtures';
import { savePlan } from '../../helpers/plans';

const prefix = uniquePrefix('ops-cli');
const savedEnv = { ...process.env };
let redis: Redis;
let holdId = '';

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  registerStatus(program);
  registerAudit(program);
  let out = '';
  let err = '';
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

beforeAll(async () => {
  Object.assign(process.env, {
    OKTA_ORG_URL: 'https://example.okta.com',
    OKTA_API_TOKEN: SECRETS.okta,
    OKTA_APP_ID: '0oa1example',
    HUBSPOT_ACCESS_TOKEN: SECRETS.hubspot,
    REDIS_URL: testRedisUrl(),
    SYNC_QUEUE_PREFIX: prefix,
  });
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const state = createState(redis, prefix, { auditMaxEntries: 1000, plansKept: 5 });
  const plan = samplePlan();
  await savePlan(state.plans, { id: 'plan-1', createdAt: '2026-11-28T12:00:00.000Z', trigger: 'manual', dryRun: false, status: 'applying', summary: plan.summary, approvalId: 'plan-1', jobs: 2, outcome: null, plan });
  holdId = (await state.approvals.hold({ kind: 'reconcile', planId: 'plan-1', reason: plan.held!.reason, actions: plan.held!.actions })).id;
  await state.audit.append({ action: 'create', email: 'ada@example.com', oktaUserId: '00u1ada', hubspotUserId: '601', before: null, after: null, jobId: null, outcome: 'applied', reason: 'assigned' });
  await state.audit.append({ action: 'update', email: 'bob@example.com', oktaUserId: '00u1bob', hubspotUserId: '501', before: null, after: null, jobId: null, outcome: 'failed', reason: `HubSpot said no to ${SECRETS.hubspot}` });
});

afterAll(async () => {
  process.env = savedEnv;
  await removeKeys(prefix);
  redis.disconnect();
});

describe('status and audit commands', () => {
  it('status prints queues, the running reconciliation and the pending approval', async () => {
    const { out, code } = await run(['status']);
    expect(code).toBe(0);
    expect(out).toMatch(/sync-user\s+0/);
    expect(out).toMatch(/manual\s+running/);
    expect(out).toContain(`${holdId}: 1 deletions held (60 deletions exceed the limit of 50)`);
    expect(out).toContain('carol@example.com');
    const json = await run(['status', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ approvals: [{ id: holdId }], reconciliations: [{ planId: 'plan-1', outcome: 'running' }] });
  });

  it("audit filters by user and never prints a secret", async () => {
    const { out, code } = await run(['audit', '--user', 'ADA@example.com', '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(out) as Array<{ email: string }>).map((e) => e.email)).toEqual(['ada@example.com']);
    const table = await run(['audit', '--limit', '5']);
    expect(table.out).toContain('bob@example.com');
    expect(table.out).toContain('HubSpot said no to [REDACTED]');
    expect(table.out).not.toContain(SECRETS.hubspot);
  });

  it('reads the same state when SYNC_QUEUE_PREFIX is given without its braces (wrapped as the daemon wraps it)', async () => {
    process.env.SYNC_QUEUE_PREFIX = prefix.replace(/[{}]/g, '');
    try {
      const { out, code } = await run(['status', '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ approvals: [{ id: holdId }] });
    } finally {
      process.env.SYNC_QUEUE_PREFIX = prefix;
    }
  });

  it('needs only Redis and the queue prefix: the Okta and HubSpot settings may be left out', async () => {
    const api = ['OKTA_ORG_URL', 'OKTA_API_TOKEN', 'OKTA_APP_ID', 'HUBSPOT_ACCESS_TOKEN'] as const;
    const saved = api.map((k) => [k, process.env[k]] as const);
    api.forEach((k) => delete process.env[k]);
    try {
      const status = await run(['status', '--json']);
      expect(status.err).toBe('');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toMatchObject({ approvals: [{ id: holdId }] });
      const audit = await run(['audit', '--user', 'ada@example.com', '--json']);
      expect(audit.code).toBe(0);
      expect((JSON.parse(audit.out) as Array<{ email: string }>).map((e) => e.email)).toEqual(['ada@example.com']);
    } finally {
      saved.forEach(([k, v]) => (process.env[k] = v));
    }
  });

  it('lists every configuration problem it has a use for and exits with 2', async () => {
    process.env.SYNC_QUEUE_PREFIX = '{no-hash-tag';
    process.env.REDIS_URL = 'http://localhost:6379';
    try {
      const { err, code } = await run(['status']);
      expect(code).toBe(2);
      expect(err).toContain('SYNC_QUEUE_PREFIX={no-hash-tag}');
      expect(err).toContain('REDIS_URL');
      expect(err).not.toContain('HUBSPOT_ACCESS_TOKEN');
    } finally {
      process.env.SYNC_QUEUE_PREFIX = prefix;
      process.env.REDIS_URL = testRedisUrl();
    }
  });
});
