import { pollStreams } from './poll-streams';

describe('pollStreams', () => {
  it('polls only hashtags when a webhook brings mentions and DMs', () => {
    expect(pollStreams({ receivingMode: 'webhook', hashtags: ['billing'] })).toEqual(['hashtag:billing']);
  });

  it('polls mentions and DMs too when there is no webhook', () => {
    expect(pollStreams({ receivingMode: 'polling', hashtags: ['billing'] })).toEqual(['mentions', 'dms', 'hashtag:billing']);
  });

  it("polls mentions and DMs next to the webhook in 'both' mode", () => {
    expect(pollStreams({ receivingMode: 'both', hashtags: [] })).toEqual(['mentions', 'dms']);
  });
});
