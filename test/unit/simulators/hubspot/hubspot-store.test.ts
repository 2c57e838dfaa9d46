import { demoCompany } from '../../../../simulators/seeds/demo-company';
import { createHubSpotStore } from '../../../../simulators/hubspot/hubspot-store';
import { checkSeatInventory, parseUpdate } from '../../../../simulators/hubspot/hubspot-user-rules';

test('seeds users with numeric ids, roles by name, and looks emails up in any case', () => {
  const store = createHubSpotStore(demoCompany);
  const agency = store.getByEmail('AGENCY@partner.example');
  expect(agency).toMatchObject({ id: expect.stringMatching(/^\d+$/), roleId: '2004' });
  expect(store.getByEmail('owner@acme.example')?.superAdmin).toBe(true);
});

test('pages in id order after a cursor, also after deletions', () => {
  const store = createHubSpotStore({ ...demoCompany, hubspot: { ...demoCompany.hubspot, users: [] } });
  const ids = Array.from({ length: 25 }, (_, i) => store.create({ email: `p${i}@acme.example` }).id);
  store.remove(ids[10] ?? '');
  const first = store.page(null, 10);
  expect(first.users.map((u) => u.id)).toEqual(ids.slice(0, 10));
  const second = store.page(Number(first.users[9]?.id), 10);
  expect(second.users.map((u) => u.id)).toEqual(ids.slice(11, 21));
  const last = store.page(Number(second.users[9]?.id), 10);
  expect(last).toMatchObject({ hasMore: false });
  expect(last.users).toHaveLength(4);
});

test('seat usage follows users; the inventory refuses a seat that ran out', () => {
  const store = createHubSpotStore({ ...demoCompany, hubspot: { ...demoCompany.hubspot, users: [], seats: [{ name: 'Core', total: 1 }] } });
  const a = store.create({ email: 'a@acme.example', seatNames: ['Core'] });
  expect(store.seatsUsed('Core')).toBe(1);
  expect(checkSeatInventory(store, [], ['Core'])).toMatchObject({ status: 400, category: 'VALIDATION_ERROR' });
  expect(checkSeatInventory(store, ['Core'], ['Core'])).toBeNull();
  store.update(a.id, { seatNames: [] });
  expect(checkSeatInventory(store, [], ['Core'])).toBeNull();
});

test('a PUT needs the billing scope only when it changes a paid role or the seats', () => {
  const store = createHubSpotStore(demoCompany);
  const user = store.create({ email: 'rep@acme.example', roleId: '2002' });
  const features = { seatAware: true };
  expect(parseUpdate({ firstName: 'R' }, user, store, features)).toMatchObject({ ok: true, value: { needsBilling: false } });
  expect(parseUpdate({ roleId: '2002' }, user, store, features)).toMatchObject({ ok: true, value: { needsBilling: false } });
  expect(parseUpdate({ roleId: null }, user, store, features)).toMatchObject({ ok: true, value: { needsBilling: true, patch: { roleId: null } } });
  expect(parseUpdate({ roleId: '2004' }, user, store, features)).toMatchObject({ ok: true, value: { needsBilling: true } });
  expect(parseUpdate({ seatNames: ['Core'] }, user, store, features)).toMatchObject({ ok: true, value: { needsBilling: true } });
  expect(parseUpdate({ roleId: '' }, user, store, features)).toMatchObject({ ok: false, error: { status: 400 } });
  expect(parseUpdate({ roleId: '9999' }, user, store, features)).toMatchObject({ ok: false, error: { status: 400 } });
  expect(parseUpdate({ seatNames: ['Core'] }, user, store, { seatAware: false })).toMatchObject({ ok: true, value: { patch: {} } });
});
