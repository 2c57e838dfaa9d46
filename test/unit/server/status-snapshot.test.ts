import { currentSeatsAndTitles } from '../../../src/server/status-snapshot';
import type { UserStanding } from '../../../src/state/user-standing';

const PLAN_AT = '2026-12-01T21:19:00.000Z';
const plan = {
  seats: [{ seat: 'Sales Manager', used: 2, budget: 3, remaining: 5, waiting: [] }],
  unmappedTitles: [{ title: 'Solutions Architect', users: [{ oktaUserId: '00u1sa', email: 'sa@acme.example' }, { oktaUserId: '00u1ken', email: 'ken@acme.example' }] }],
};

function standing(partial: Partial<UserStanding> & Pick<UserStanding, 'oktaUserId' | 'at'>): UserStanding {
  return { email: `${partial.oktaUserId}@acme.example`, unmappedTitle: null, waitingFor: [], ...partial };
}

describe('seats, waiting list and unmapped titles between two reconciliations', () => {
  it('are the plan\'s until a job decides a user', () => {
    const now = currentSeatsAndTitles(plan, PLAN_AT, [], []);
    expect(now.seats).toEqual(plan.seats);
    expect(now.unmappedTitles).toEqual(plan.unmappedTitles);
    expect(now.asOf).toEqual({ at: PLAN_AT, planAt: PLAN_AT, usersSince: 0 });
  });

  it('put each user a job decided since the plan where the job left them, with the newest seat count', () => {
    const standings = [
      // Joan is promoted after the plan and waits for the last Sales Manager seat.
      standing({ oktaUserId: '00u1joan', email: 'joan@acme.example', at: '2026-12-01T21:19:19.000Z', waitingFor: [{ seat: 'Sales Manager', since: '2026-12-01T21:19:18.000Z' }] }),
      // Ken's Title now matches a role; a new hire's does not.
      standing({ oktaUserId: '00u1ken', at: '2026-12-01T21:19:20.000Z' }),
      standing({ oktaUserId: '00u1new', email: 'new@acme.example', at: '2026-12-01T21:19:21.000Z', unmappedTitle: 'solutions  architect' }),
      // Older than the plan: the plan already knows better.
      standing({ oktaUserId: '00u1sa', at: '2026-12-01T21:00:00.000Z' }),
    ];
    const counts = [{ seat: 'Sales Manager', used: 3, budget: 3, at: '2026-12-01T21:19:19.000Z' }];
    const now = currentSeatsAndTitles(plan, PLAN_AT, standings, counts);
    expect(now.seats).toEqual([{ seat: 'Sales Manager', used: 3, budget: 3, remaining: null, waiting: [{ oktaUserId: '00u1joan', email: 'joan@acme.example', since: '2026-12-01T21:19:18.000Z' }] }]);
    expect(now.unmappedTitles).toEqual([{ title: 'Solutions Architect', users: [{ oktaUserId: '00u1sa', email: 'sa@acme.example' }, { oktaUserId: '00u1new', email: 'new@acme.example' }] }]);
    expect(now.asOf).toEqual({ at: '2026-12-01T21:19:21.000Z', planAt: PLAN_AT, usersSince: 3 });
  });
});
