import type { PlanContext } from './plan-context';
import type { Decision } from './decisions';
import { skip } from './decisions';

/**
 * Full mode: one skip for every HubSpot user no decision has spoken about. Super admins and
 * protected users are named as such; the rest have no Okta counterpart the daemon manages, and
 * the daemon never changes or deletes them.
 */
export function reportHandsOff(ctx: PlanContext): Decision[] {
  const out: Decision[] = [];
  for (const user of ctx.input.hubspotUsers) {
    if (ctx.touched.has(user.id) || ctx.ledgerByHubspot.has(user.id)) {
      continue;
    }
    ctx.touched.add(user.id);
    const ids = { email: user.email, oktaUserId: null, hubspotUserId: user.id };
    const who = `HubSpot user ${user.email} (${user.id})`;
    if (user.superAdmin) {
      out.push(skip('super-admin', `${who} is a super admin: never changed or deleted`, ids));
    } else if (ctx.isProtected(user.email)) {
      out.push(skip('protected', `${who} is on the protected list: never changed or deleted`, ids));
    } else {
      out.push(skip('unmanaged', `${who} is not managed by the daemon (no in-scope Okta user adopts it): left alone`, ids));
    }
  }
  return out;
}
