import { linkValue, pageLinks, pageUrl, startAfter } from '../../../../simulators/okta/links';

test('Link values are Okta-formatted', () => {
  expect(linkValue('http://127.0.0.1:9/api/v1/users?limit=2', 'next')).toBe('<http://127.0.0.1:9/api/v1/users?limit=2>; rel="next"');
});

test('page URLs are absolute, encode values and leave out undefined parameters', () => {
  expect(pageUrl('http://127.0.0.1:9', '/api/v1/logs', { limit: 5, after: '1_2', filter: 'eventType eq "a b"', q: undefined })).toBe(
    'http://127.0.0.1:9/api/v1/logs?limit=5&after=1_2&filter=eventType+eq+%22a+b%22',
  );
  expect(pageUrl('http://127.0.0.1:9', '/api/v1/users', {})).toBe('http://127.0.0.1:9/api/v1/users');
});

test('self always, next only when given', () => {
  expect(pageLinks('http://h/a', null)).toEqual(['<http://h/a>; rel="self"']);
  expect(pageLinks('http://h/a', 'http://h/b')).toEqual(['<http://h/a>; rel="self"', '<http://h/b>; rel="next"']);
});

test('an opaque after cursor starts after that id, even when it was removed since', () => {
  const ids = ['00u1', '00u3', '00u5'];
  expect(startAfter(ids, undefined)).toBe(0);
  expect(startAfter(ids, '00u1')).toBe(1);
  expect(startAfter(ids, '00u2')).toBe(1);
  expect(startAfter(ids, '00u5')).toBe(3);
  expect(startAfter(ids, '00u0')).toBe(0);
});
