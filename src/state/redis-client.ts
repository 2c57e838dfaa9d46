import type { Cluster, Redis } from 'ioredis';

/** A Redis connection the state stores accept: a single server or a Cluster (keys are hash-tagged). */
export type RedisClient = Redis | Cluster;
