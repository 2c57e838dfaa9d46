import { createOktaStore, OktaSimError } from '../../../../simulators/okta/okta-store';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function setup() {
  const store = createOktaStore({ scope: 'unit', nonce: 'n', app: { id: '0oaAPP', label: 'HubSpot', created: T0 }, adminEmail: 'admin@x.example' });
  const sales = store.createGroup({ name: 'Sales' }, T0);
  store.assignGroup(sales.id, T0);
  const other = store.createGroup({ name: 'Other' }, T0);
  const ada = store.createUser({ login: 'ada@x.example', firstName: 'Ada', lastName: 'L', title: 'Sales Rep' }, T0);
  const since = store.log.size();
  const newEvents = () =>
    store.log
      .all()
      .slice(since)
      .map((e) => e.eventType);
  return { store, sales, other, ada, newEvents };
}

test('a direct assignment emits the membership event with AppUser, AppInstance and User targets', () => {
  const { store, ada } = setup();
  store.assign(ada.id, T0 + 1);
  const e = store.log.all().at(-1);
  expect(e?.eventType).toBe('application.user_membership.add');
  const targets = (e?.target as Array<{ type: string; id: string }>).map((t) => [t.type, t.id.slice(0, 3)]);
  expect(targets).toEqual([
    ['AppUser', '0ua'],
    ['AppInstance', '0oa'],
    ['User', ada.id.slice(0, 3)],
  ]);
  expect(store.appUsers.get(ada.id)).toMatchObject({ scope: 'USER', created: T0 + 1 });
});

test('group membership of an assigned group assigns with scope GROUP; a direct assignment then wins', () => {
  const { store, ada, sales, other, newEvents } = setup();
  store.addToGroup(ada.id, other.id, T0 + 1);
  expect(store.appUsers.has(ada.id)).toBe(false);
  store.addToGroup(ada.id, sales.id, T0 + 2);
  expect(store.appUsers.get(ada.id)).toMatchObject({ scope: 'GROUP', groupId: sales.id });
  store.assign(ada.id, T0 + 3);
  expect(store.appUsers.get(ada.id)?.scope).toBe('USER');
  store.unassign(ada.id, T0 + 4);
  expect(store.appUsers.get(ada.id)?.scope).toBe('GROUP');
  store.removeFromGroup(ada.id, sales.id, T0 + 5);
  expect(store.appUsers.has(ada.id)).toBe(false);
  expect(newEvents()).toEqual([
    'group.user_membership.add',
    'group.user_membership.add',
    'application.user_membership.add',
    'application.user_membership.update',
    'application.user_membership.update',
    'group.user_membership.remove',
    'application.user_membership.remove',
  ]);
});

test('deactivation drops every assignment; activation brings back only the group ones', () => {
  const { store, sales } = setup();
  const direct = store.createUser({ login: 'direct@x.example' }, T0);
  const grouped = store.createUser({ login: 'grouped@x.example' }, T0);
  store.assign(direct.id, T0);
  store.addToGroup(grouped.id, sales.id, T0);
  store.deactivate(direct.id, T0 + 1);
  store.deactivate(grouped.id, T0 + 1);
  expect(store.appUsers.size).toBe(0);
  expect(grouped.groupIds.has(sales.id)).toBe(true);
  store.activate(direct.id, T0 + 2);
  store.activate(grouped.id, T0 + 2);
  expect(store.appUsers.has(direct.id)).toBe(false);
  expect(store.appUsers.get(grouped.id)?.scope).toBe('GROUP');
  expect(() => store.assign(direct.id, T0 + 3)).not.toThrow();
});

test('suspension keeps the assignment; reactivation leaves the user PROVISIONED', () => {
  const { store, ada } = setup();
  store.assign(ada.id, T0);
  store.suspend(ada.id, T0 + 1);
  expect(store.appUsers.has(ada.id)).toBe(true);
  expect(() => store.suspend(ada.id, T0 + 2)).toThrow(OktaSimError);
  store.unsuspend(ada.id, T0 + 2);
  store.deactivate(ada.id, T0 + 3);
  expect(store.reactivate(ada.id, T0 + 4).status).toBe('PROVISIONED');
  expect(() => store.activate(ada.id, T0 + 5)).not.toThrow();
  expect(() => store.activate(ada.id, T0 + 6)).toThrow(/already active/);
});

test('a profile change records what changed; a login change keeps the id and the old login stops working', () => {
  const { store, ada, newEvents } = setup();
  store.updateProfile(ada.id, { title: 'Sales Manager', login: 'ada.l@x.example' }, T0 + 1);
  expect(newEvents()).toEqual(['user.account.update_profile']);
  const target = (store.log.all().at(-1)?.target as Array<{ changeDetails?: unknown }>)[0];
  expect(target?.changeDetails).toEqual({ from: { title: 'Sales Rep', login: 'ada@x.example' }, to: { title: 'Sales Manager', login: 'ada.l@x.example' } });
  expect(store.findUser('ada.l@x.example')?.id).toBe(ada.id);
  expect(store.findUser('ada@x.example')).toBeUndefined();
  store.updateProfile(ada.id, { title: 'Sales Manager' }, T0 + 2);
  expect(newEvents()).toHaveLength(1);
});

test('logins are unique (case-insensitive) and found by short name when unambiguous', () => {
  const { store, ada } = setup();
  expect(() => store.createUser({ login: 'ADA@x.example' }, T0)).toThrow(/already exists/);
  expect(store.findUser('ADA@X.EXAMPLE')?.id).toBe(ada.id);
  expect(store.findUser('ada')?.id).toBe(ada.id);
  store.createUser({ login: 'ada@y.example' }, T0);
  expect(store.findUser('ada')).toBeUndefined();
});

test('deleting a live user deactivates it first, then deletes it', () => {
  const { store, ada, sales, newEvents } = setup();
  store.addToGroup(ada.id, sales.id, T0);
  store.deleteUser(ada.id, T0 + 1);
  expect(store.findUser(ada.id)).toBeUndefined();
  expect(sales.members.has(ada.id)).toBe(false);
  expect(newEvents().slice(-4)).toEqual([
    'user.lifecycle.deactivate',
    'application.user_membership.remove',
    'user.lifecycle.delete.initiated',
    'user.lifecycle.delete.completed',
  ]);
});

test('ids are Okta-shaped and the same for the same seed', () => {
  const a = setup();
  const b = setup();
  expect(a.ada.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
  expect(a.sales.id).toMatch(/^00g[0-9A-Za-z]{17}$/);
  expect(a.ada.id).toBe(b.ada.id);
});
