import { updateFromChanges } from '../../../src/apply/action-applier';

describe('updateFromChanges', () => {
  it('writes only the changed fields, and null removes a role', () => {
    expect(
      updateFromChanges([
        { field: 'roleId', before: '2002', after: null },
        { field: 'firstName', before: 'A', after: 'Ada' },
        { field: 'seatNames', before: [], after: ['Core'] },
      ]),
    ).toEqual({ roleId: null, firstName: 'Ada', seatNames: ['Core'] });
    expect(updateFromChanges([])).toEqual({});
  });
});
