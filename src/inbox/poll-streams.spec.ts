import { pollStreams } from './poll-streams';

describe('pollStreams', () => {
  it('polls only hashtags when a webhook brings mentions and DMs', () => {
    expect(pollStreams({ hasWebhook: true, hashtags: ['billing'] })).toEqual(['hashtag:billing']);
  });

  it('polls mentions and DMs too when there is no webhook', () => {
    expect(pollStreams({ hasWebhook: false, hashtags: ['billing'] })).toEqual(['mentions', 'dms', 'hashtag:billing']);
  });
});
