import type { FormState } from '../common/form-state';
import { hashtagRows, locationAfter, stepIndicator } from './profile-view-model';
import type { SocialMediaProfile } from './social-media-profile.entity';
import type { TrackedHashtag } from './tracked-hashtag.entity';

const profile = { id: 7, type: 'twitter' } as const;
const base = '/admin/social-media-profiles/twitter/7';

function stored(hashtags: Array<[string, number]>): SocialMediaProfile {
  return { ...profile, hashtags: hashtags.map(([hashtag, queueId]) => ({ hashtag, queueId }) as TrackedHashtag) } as unknown as SocialMediaProfile;
}

describe('where a wizard button leads', () => {
  it.each([
    ['general', 'next', `${base}/step/1`],
    ['general', 'previous', base],
    ['general', 'save', base],
    [1, 'previous', base],
    [3, 'next', `${base}/step/4`],
    [3, 'previous', `${base}/step/2`],
    [6, 'next', `${base}/step/6`],
    [6, undefined, `${base}/step/6`],
    [4, 'finish', '/admin/social-media-profiles'],
  ] as const)('from %s, %s leads to %s', (page, action, location) => {
    expect(locationAfter(profile, page, action)).toBe(location);
  });
});

describe('the step indicator', () => {
  it('shows General and the six steps, the current one marked, done ones done', () => {
    const facts = {
      ...stored([]),
      instructionsRead: true,
      appName: 'x',
      consumerKey: '',
      consumerSecretEncrypted: null,
      accessToken: '',
      accessTokenSecretEncrypted: null,
      verifiedAt: null,
      targetQueueId: null,
    } as unknown as SocialMediaProfile;
    expect(stepIndicator(facts, 2).map((item) => [item.label, item.state])).toEqual([
      ['profiles.general.title', 'done'],
      ['profiles.step1.title', 'done'],
      ['profiles.step2.title', 'current'],
      ['profiles.step3.title', 'todo'],
      ['profiles.step4.title', 'todo'],
      ['profiles.step5.title', 'todo'],
      ['profiles.step6.title', 'todo'],
    ]);
  });
});

describe('hashtag rows of step 6', () => {
  const rejected = (hashtags: unknown, errors: FormState['errors'] = {}, action = 'save'): FormState => ({ values: { hashtags, action }, errors });

  it('shows the stored hashtags sorted, and one empty row to add another', () => {
    expect(
      hashtagRows(
        stored([
          ['zeta', 1],
          ['alpha', 2],
        ]),
        undefined,
      ).map((row) => [row.index, row.hashtag, row.queueId]),
    ).toEqual([
      [0, '#alpha', '2'],
      [1, '#zeta', '1'],
      [2, '', ''],
    ]);
  });

  it('after a refusal shows what was typed, without the empty rows sent along, plus one — rows do not pile up', () => {
    const typed = [
      { hashtag: '#a', queueId: '1' },
      { hashtag: '', queueId: '' },
      { hashtag: 'bad tag', queueId: '' },
      { hashtag: '', queueId: '' },
    ];
    const rows = hashtagRows(stored([]), rejected(typed, { 'hashtags.2.hashtag': { key: 'profiles.error.hashtagShape' }, 'hashtags.2.queueId': { key: 'validation.choose' } }));
    expect(rows.map((row) => [row.index, row.hashtag, row.hashtagError?.key, row.queueError?.key])).toEqual([
      [0, '#a', undefined, undefined],
      [1, 'bad tag', 'profiles.error.hashtagShape', 'validation.choose'],
      [2, '', undefined, undefined],
    ]);
    // Sent again with the same refusal, the page still has exactly one empty row.
    const again = hashtagRows(
      stored([]),
      rejected(
        rows.map(({ hashtag, queueId }) => ({ hashtag, queueId })),
        { 'hashtags.1.hashtag': { key: 'profiles.error.hashtagShape' } },
      ),
    );
    expect(again.filter((row) => row.hashtag === '')).toHaveLength(1);
  });

  it('"Add hashtag" without JavaScript keeps every typed row, empty ones too, and adds one', () => {
    const rows = hashtagRows(
      stored([]),
      rejected(
        [
          { hashtag: '#a', queueId: '1' },
          { hashtag: '', queueId: '' },
        ],
        {},
        'add-hashtag',
      ),
    );
    expect(rows.map((row) => row.hashtag)).toEqual(['#a', '', '']);
  });

  it('never offers more than 20 rows, and survives garbage sent as hashtags', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ hashtag: `#t${i}`, queueId: '1' }));
    expect(hashtagRows(stored([]), rejected(many))).toHaveLength(20);
    expect(hashtagRows(stored([]), rejected({ 0: { hashtag: 'x' } }))).toHaveLength(1);
    expect(hashtagRows(stored([]), rejected([null, 5, { hashtag: ['x'] }]))).toEqual([expect.objectContaining({ hashtag: '', queueId: '' })]);
  });
});
