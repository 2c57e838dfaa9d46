import { PLAN_ACTIONS_CHUNK, type PlanRecord } from '../../src/state/plan-store';
import type { State } from '../../src/state/state';

/** `items` in chunks of {@link PLAN_ACTIONS_CHUNK}, as a reconciliation stores a plan's actions. */
function* chunksOf<T>(items: readonly T[], size = PLAN_ACTIONS_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

/** Stores a whole plan record as a reconciliation does: its actions in chunks, then the header and the rest. */
export async function savePlan(plans: Pick<State['plans'], 'appendActions' | 'saveMeta'>, record: PlanRecord): Promise<void> {
  const { plan, ...header } = record;
  await plans.appendActions(record.id, chunksOf(plan.actions));
  await plans.saveMeta(header, plan);
}
