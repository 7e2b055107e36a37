import { CATALOGS } from '../i18n/translator';
import { INBOX_NOTES, inboxNote, readInboxNote, type InboxNoteName } from './inbox-notes';

const names = Object.keys(INBOX_NOTES) as InboxNoteName[];

describe('inbox notes', () => {
  it.each(names)('%s: the English catalog says what is stored, and every language has it', (name) => {
    expect(CATALOGS.en[`inbox.note.${name}`]).toBe(INBOX_NOTES[name]);
    for (const language of ['de', 'sr'] as const) expect(CATALOGS[language][`inbox.note.${name}`]).toBeDefined();
  });

  it.each(names)('%s: read back from the stored text with its parameters, also when they hold the note’s own words', (name) => {
    const params = { parent: '1234567890', reason: 'HTTP 503: "over capacity": placed', conversation: 'dm:1-2', id: '9999… (25 characters)', key: 'x:1', number: '2026120210', queue: 'Raw "queue"' };
    const stored = inboxNote(name, params);
    const read = readInboxNote(stored);
    expect(read?.key).toBe(`inbox.note.${name}`);
    expect(read && inboxNote(name, read.params)).toBe(stored);
  });

  it('leaves a text no note makes alone: an error’s own message is shown as stored', () => {
    expect(readInboxNote('QueryFailedError: invalid byte sequence for encoding "UTF8": 0x00')).toBeUndefined();
    expect(readInboxNote('Already stored')).toBeUndefined();
    expect(readInboxNote(null)).toBeUndefined();
  });
});
