import { FlowProducer, Queue, type BulkJobOptions, type ConnectionOptions, type FlowJob, type Job, type JobNode, type JobsOptions } from 'bullmq';
import type { DaemonSettings } from '../../config/daemon-schema';
import { assertHashTagged } from '../state/keys';
import { defaultJobOptions } from './retries';
import { QUEUE_NAMES, type JobData, type JobName, type QueueData, type QueueName } from './queue-map';

/** A BullMQ queue typed by the queue map. */
export type TypedQueue<Q extends QueueName> = Queue<QueueData<Q>, unknown, JobName<Q>>;

/** A job of a flow, typed by the queue map: the payload must be the one its queue and name give. */
export type TypedFlowJob = {
  [Q in QueueName]: { [N in JobName<Q>]: { queueName: Q; name: N; data: JobData<Q, N>; opts?: Omit<JobsOptions, 'repeat'>; children?: TypedFlowJob[] } }[JobName<Q>];
}[QueueName];

/** One typed queue per name. */
export type QueueSet = { [Q in QueueName]: TypedQueue<Q> };

/**
 * The daemon's queues and flow producer under one hash-tagged prefix. `enqueue`, `enqueueBulk`
 * and `enqueueFlow` are the only ways jobs are added: they check the job name and payload against
 * the queue map at compile time.
 */
export function createQueues(opts: { connection: ConnectionOptions; prefix: string; jobs: DaemonSettings['jobs'] }) {
  assertHashTagged(opts.prefix);
  const defaults = defaultJobOptions(opts.jobs);
  const make = <Q extends QueueName>(name: Q): TypedQueue<Q> =>
    new Queue<QueueData<Q>, unknown, JobName<Q>>(name, { connection: opts.connection, prefix: opts.prefix, defaultJobOptions: defaults[name] });
  const queues: QueueSet = {
    'sync-user': make('sync-user'),
    reconcile: make('reconcile'),
    'reconcile-summary': make('reconcile-summary'),
    'okta-poll': make('okta-poll'),
  };
  const flow = new FlowProducer({ connection: opts.connection, prefix: opts.prefix });

  function queue<Q extends QueueName>(name: Q): TypedQueue<Q> {
    return queues[name];
  }

  /** Adds a job; the payload must be the one the queue map gives for this queue and job name. */
  async function enqueue<Q extends QueueName, N extends JobName<Q>>(name: Q, jobName: N, data: JobData<Q, N>, jobOpts?: JobsOptions): Promise<Job> {
    // The map guarantees name and payload match; BullMQ's own generics cannot express the pairing.
    const q = queues[name] as unknown as Queue<unknown, unknown, string>;
    return q.add(jobName, data, jobOpts);
  }

  /** Adds many jobs to one queue in one Redis transaction, each checked like {@link enqueue}. */
  async function enqueueBulk<Q extends QueueName, N extends JobName<Q>>(name: Q, jobs: ReadonlyArray<{ name: N; data: JobData<Q, N>; opts?: BulkJobOptions }>): Promise<Job[]> {
    const q = queues[name] as unknown as Queue<unknown, unknown, string>;
    return q.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, ...(j.opts ? { opts: j.opts } : {}) })));
  }

  /** Adds a flow (a parent job and its children, each checked like {@link enqueue}) in one Redis transaction. */
  async function enqueueFlow(job: TypedFlowJob): Promise<JobNode> {
    return flow.add(job as FlowJob);
  }

  /** One poll and one reconciliation at a time across every replica. */
  async function applyGlobalLimits(): Promise<void> {
    await queues['okta-poll'].setGlobalConcurrency(1);
    await queues.reconcile.setGlobalConcurrency(1);
  }

  /** The queue key prefix BullMQ uses for `name` (flow parents are named by it). */
  function qualifiedName(name: QueueName): string {
    return `${opts.prefix}:${name}`;
  }

  async function close(): Promise<void> {
    await Promise.all([...QUEUE_NAMES.map((n) => queues[n].close()), flow.close()]);
  }

  return { queues, queue, flow, enqueue, enqueueBulk, enqueueFlow, applyGlobalLimits, qualifiedName, defaults, prefix: opts.prefix, close };
}

/** The daemon's queues. */
export type Queues = ReturnType<typeof createQueues>;
