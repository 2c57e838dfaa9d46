import type { StoredLogEvent } from '../../../../simulators/okta/log-events';
import { parseScimFilter } from '../../../../simulators/okta/scim-filter';
import { createSystemLog, formatLogCursor, parseLogCursor, unsupportedLogFilter, type LogQuery } from '../../../../simulators/okta/system-log';

const NOW = Date.parse('2030-06-01T12:00:00Z');
const MIN = 60_000;
const actor = { id: '00uADMIN', type: 'User', alternateId: 'admin@x.example', displayName: 'Admin' };

function logWith(types: string[], startMs = NOW - 100 * MIN) {
  const log = createSystemLog('nonce');
  types.forEach((eventType, i) =>
    log.append({
      publishedMs: startMs + i * MIN,
      eventType,
      actor,
      targets: [{ id: `00u${i}`, type: 'User', alternateId: `u${i}@x.example`, displayName: `U ${i}` }],
      tx: i,
      requestUri: '/api/v1/users',
      outcome: 'SUCCESS',
    }),
  );
  return log;
}

const q = (over: Partial<LogQuery>): LogQuery => ({ limit: 100, descending: false, nowMs: NOW, ...over });
const types = (events: StoredLogEvent[]) => events.map((e) => e.eventType);

test('cursors round-trip and foreign ones are refused', () => {
  expect(parseLogCursor(formatLogCursor({ ms: 1627500044869, seq: 12 }))).toEqual({ ms: 1627500044869, seq: 12 });
  expect(parseLogCursor('abc')).toBeNull();
  expect(parseLogCursor('1_2_3')).toBeNull();
});

describe('polling (no until, ascending)', () => {
  test('pages follow the cursor and an empty page still has a next cursor', () => {
    const log = logWith(['a', 'b', 'c']);
    const p1 = log.query(q({ sinceMs: NOW - 200 * MIN, limit: 2 }));
    expect(types(p1.events)).toEqual(['a', 'b']);
    const p2 = log.query(q({ after: p1.next ?? undefined, limit: 2 }));
    expect(types(p2.events)).toEqual(['c']);
    const p3 = log.query(q({ after: p2.next ?? undefined, limit: 2 }));
    expect(p3.events).toEqual([]);
    expect(p3.next).not.toBeNull();
    log.append({ publishedMs: NOW, eventType: 'd', actor, targets: [], tx: 99, requestUri: '/', outcome: 'SUCCESS' });
    const p4 = log.query(q({ after: p3.next ?? undefined, limit: 2 }));
    expect(types(p4.events)).toEqual(['d']);
  });

  test('a filter skips events but the cursor moves past them', () => {
    const log = logWith(['user.lifecycle.create', 'other', 'other', 'user.lifecycle.activate']);
    const filter = parseScimFilter('eventType sw "user.lifecycle"');
    const p1 = log.query(q({ sinceMs: NOW - 200 * MIN, filter, limit: 1 }));
    expect(types(p1.events)).toEqual(['user.lifecycle.create']);
    const p2 = log.query(q({ after: p1.next ?? undefined, filter, limit: 1 }));
    expect(types(p2.events)).toEqual(['user.lifecycle.activate']);
    const p3 = log.query(q({ after: p2.next ?? undefined, filter, limit: 1 }));
    expect(p3.events).toEqual([]);
    expect(p3.next?.seq).toBe(4);
  });

  test('limit 0 answers no events and the same position', () => {
    const log = logWith(['a']);
    const p = log.query(q({ sinceMs: NOW - 200 * MIN, limit: 0 }));
    expect(p.events).toEqual([]);
    expect(types(log.query(q({ after: p.next ?? undefined })).events)).toEqual(['a']);
  });

  test('events older than the 90-day retention are never returned', () => {
    const log = logWith(['old'], NOW - 91 * 24 * 60 * MIN);
    expect(log.query(q({ sinceMs: NOW - 100 * 24 * 60 * MIN })).events).toEqual([]);
  });
});

describe('bounded (until given, or descending)', () => {
  test('reads the window oldest first and ends without a next cursor', () => {
    const log = logWith(['a', 'b', 'c', 'd', 'e']);
    const window = { sinceMs: NOW - 99 * MIN, untilMs: NOW - 97 * MIN + 1 };
    const p1 = log.query(q({ ...window, limit: 2 }));
    expect(types(p1.events)).toEqual(['b', 'c']);
    expect(p1.polling).toBe(false);
    expect(p1.next).not.toBeNull();
    const p2 = log.query(q({ untilMs: window.untilMs, after: p1.next ?? undefined, limit: 2 }));
    expect(types(p2.events)).toEqual(['d']);
    expect(p2.next).toBeNull();
  });

  test('descending reads newest first within the window', () => {
    const log = logWith(['a', 'b', 'c', 'd']);
    const p1 = log.query(q({ sinceMs: NOW - 99 * MIN, descending: true, limit: 2 }));
    expect(types(p1.events)).toEqual(['d', 'c']);
    const p2 = log.query(q({ after: p1.next ?? undefined, descending: true, limit: 2 }));
    expect(types(p2.events)).toEqual(['b']);
    expect(p2.next).toBeNull();
  });
});

test('filters on published or unknown attributes are refused', () => {
  expect(unsupportedLogFilter(parseScimFilter('published gt "2020-01-01"'))).toMatch(/published/);
  expect(unsupportedLogFilter(parseScimFilter('foo eq "x"'))).toMatch(/foo/);
  expect(unsupportedLogFilter(parseScimFilter('target.id eq "x" and actor.alternateId sw "a"'))).toBeNull();
});

test('keywords (q) match the rendered event', () => {
  const log = logWith(['a', 'b']);
  expect(log.query(q({ sinceMs: NOW - 200 * MIN, keywords: ['u1@x.example'] })).events.map((e) => e.seq)).toEqual([2]);
});
