import { directMessageFromV2 } from '../../../src/channels/x/x-v2-mapper';
import { FakeXMediaStore, v2Media } from './media';

// The fake X's media links must look like X's: a polled DM's text ends with its medium's t.co link,
// which the mapper recognises by its shape and takes out. The fake once made base64url paths
// ('-', '_'), which no t.co link has; a DM whose link held one kept it in its text (media e2e
// failed about one run in five).
describe('fake X media links, as the v2 mapper reads them', () => {
  it('a polled DM loses its medium’s t.co link, for any link the fake makes', () => {
    const store = new FakeXMediaStore(() => 'http://127.0.0.1:1');
    for (let i = 0; i < 300; i++) {
      const media = store.create({ type: 'photo' }, ['1', '2']);
      expect(media.shortUrl).toMatch(/^https:\/\/t\.co\/[A-Za-z0-9]{10}$/);
      const event = { event_type: 'MessageCreate', id: String(1000 + i), sender_id: '1', dm_conversation_id: '1-2', text: `see this ${media.shortUrl}`, attachments: { media_keys: [media.key] } };
      const dm = directMessageFromV2(event, new Map(), new Map([[media.key, v2Media(media)]]));
      expect(dm?.text).toBe('see this');
      expect(dm?.media).toHaveLength(1);
    }
  });
});
