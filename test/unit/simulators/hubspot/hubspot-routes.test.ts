import { matchRoute } from '../../../../simulators/hubspot/hubspot-routes';

describe('matchRoute', () => {
  test.each([
    ['/settings/v3/users', 'v3', 'users', '/settings/v3/users'],
    ['/settings/v3/users/', 'v3', 'users', '/settings/v3/users'],
    ['/settings/users/v3', 'v3', 'users', '/settings/users/v3'],
    ['/settings/v3/users/roles', 'v3', 'roles', '/settings/v3/users/roles'],
    ['/settings/v3/users/teams/', 'v3', 'teams', '/settings/v3/users/teams'],
    ['/settings/users/2026-03/roles', '2026-03', 'roles', '/settings/users/2026-03/roles'],
    ['/settings/users/2026-09-beta/seats', '2026-09-beta', 'seats', '/settings/users/2026-09-beta/seats'],
    ['/settings/v3/users/1000001', 'v3', 'user', '/settings/v3/users/{userId}'],
  ])('%s', (path, version, kind, template) => {
    expect(matchRoute(path)).toMatchObject({ version, kind, template });
  });

  test('decodes the user id; seats exist only in the beta (elsewhere it is a user id)', () => {
    expect(matchRoute('/settings/v3/users/a%2Bb%40x.com')?.userId).toBe('a+b@x.com');
    expect(matchRoute('/settings/users/2026-03/seats')).toMatchObject({ kind: 'user', userId: 'seats' });
    expect(matchRoute('/settings/v3/users/seats')).toMatchObject({ kind: 'user' });
  });

  test('unknown paths match nothing', () => {
    expect(matchRoute('/settings/v3/userz')).toBeNull();
    expect(matchRoute('/settings/v3/users/1/extra')).toBeNull();
    expect(matchRoute('/crm/v3/objects/contacts')).toBeNull();
  });
});
