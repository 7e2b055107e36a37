import { LANGUAGES } from '../i18n/languages';
import { CATALOGS } from '../i18n/translator';
import { PARTICIPATION_BLOCKERS } from '../social-media-profiles/profile-participation';
import { sendRefusal } from './sending-profiles';

describe('why nothing can be sent through a profile (sendRefusal)', () => {
  it.each(PARTICIPATION_BLOCKERS)('says %s in every language, naming the profile', (blocker) => {
    const refusal = sendRefusal(blocker, { name: 'Acme' });
    expect(refusal.params).toEqual({ name: 'Acme' });
    for (const lang of LANGUAGES) expect(CATALOGS[lang][refusal.key]).toContain('{name}');
  });

  it('gives every reason its own message', () => {
    const keys = PARTICIPATION_BLOCKERS.map((blocker) => sendRefusal(blocker, { name: 'Acme' }).key);
    expect(new Set(keys).size).toBe(PARTICIPATION_BLOCKERS.length);
  });
});
