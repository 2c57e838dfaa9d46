import { oktaRateLimitCategory, oktaRouteTemplate } from '../../../src/okta/okta-routes';

test.each([
  ['/api/v1/apps/0oa1/users', '/api/v1/apps/{appId}/users'],
  ['/api/v1/apps/0oa1/users/00u1', '/api/v1/apps/{appId}/users/{userId}'],
  ['/api/v1/apps/0oa1', '/api/v1/apps/{appId}'],
  ['/api/v1/users/ada%40x.example', '/api/v1/users/{userId}'],
  ['/api/v1/users', '/api/v1/users'],
  ['/api/v1/groups/00g1/users', '/api/v1/groups/{groupId}/users'],
  ['/api/v1/groups', '/api/v1/groups'],
  ['/api/v1/users/00u1/groups', '/api/v1/users/{userId}/groups'],
  ['/api/v1/apps/0oa1/groups/00g1', '/api/v1/apps/{appId}/groups/{groupId}'],
  ['/api/v1/logs', '/api/v1/logs'],
  ['/api/v1/logs/', '/api/v1/logs'],
  ['/oauth2/v1/token', '/oauth2/v1/token'],
  ['/api/v1/something/else', 'other'],
])('%s is labelled %s', (path, template) => {
  expect(oktaRouteTemplate(path)).toBe(template);
});

test('rate-limit buckets follow Okta\'s table', () => {
  expect(oktaRateLimitCategory('GET', '/api/v1/apps/0oa1')).toBe('app');
  expect(oktaRateLimitCategory('GET', '/api/v1/apps/0oa1/users')).toBe('apps');
  expect(oktaRateLimitCategory('GET', '/api/v1/apps/0oa1/users/00u1')).toBe('apps');
  expect(oktaRateLimitCategory('GET', '/api/v1/users/00u1')).toBe('user');
  expect(oktaRateLimitCategory('POST', '/api/v1/users/00u1')).toBe('users');
  expect(oktaRateLimitCategory('GET', '/api/v1/users')).toBe('users');
  expect(oktaRateLimitCategory('GET', '/api/v1/logs')).toBe('logs');
  expect(oktaRateLimitCategory('GET', '/api/v1/groups/00g1/users')).toBe('groups');
  expect(oktaRateLimitCategory('GET', '/api/v1/groups/00g1')).toBe('group');
  expect(oktaRateLimitCategory('GET', '/api/v1/groups')).toBe('groups');
  // "Other /api/v1" in Okta's table: not the users buckets.
  expect(oktaRateLimitCategory('GET', '/api/v1/users/00u1/groups')).toBe('other');
  expect(oktaRateLimitCategory('GET', '/api/v1/other')).toBe('other');
});
