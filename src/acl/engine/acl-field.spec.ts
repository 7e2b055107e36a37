import { AclFieldError, parseAclField } from './acl-field';

describe('the field an evaluation is about', () => {
  it('names a ticket field as Ticket.<Field>', () => {
    expect(parseAclField('Ticket.TwitterProfileID')).toBe('Ticket.TwitterProfileID');
    expect(parseAclField('Ticket.DynamicField_Product')).toBe('Ticket.DynamicField_Product');
  });

  it('ignores the sub-type of Action, Process and ActivityDialog', () => {
    expect(parseAclField('Action')).toBe('Action');
    expect(parseAclField('Action.-')).toBe('Action');
    expect(parseAclField('Process')).toBe('Process');
    expect(parseAclField('ActivityDialog.x')).toBe('ActivityDialog');
  });

  it('refuses Ticket without a field and unknown return types', () => {
    expect(() => parseAclField('Ticket')).toThrow(/needs a ticket field/);
    expect(() => parseAclField('Queue')).toThrow(AclFieldError);
    expect(() => parseAclField('action')).toThrow(/unknown field "action"/);
  });
});
