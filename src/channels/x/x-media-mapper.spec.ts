import { parseJsonExact } from './exact-json';
import { mapAaaItem } from './aaa-message-mapper';
import { tweetPageFromV2, directMessagePageFromV2 } from './x-v2-mapper';

describe('media of incoming messages', () => {
  it('Account Activity tweet: all of extended_entities.media, the t.co link taken out of the text', () => {
    const item = parseJsonExact(`{"id":1,"id_str":"1","text":"look at this https://t.co/abc","user":{"id_str":"9","screen_name":"kunde","name":"K"},
      "entities":{"hashtags":[],"urls":[],"user_mentions":[],"media":[{"id_str":"71","type":"photo","media_url_https":"https://pbs.twimg.com/media/a.jpg","url":"https://t.co/abc"}]},
      "extended_entities":{"media":[
        {"id_str":"71","type":"photo","media_url_https":"https://pbs.twimg.com/media/a.jpg","url":"https://t.co/abc","ext_alt_text":"a box"},
        {"id_str":"72","type":"video","media_url_https":"https://pbs.twimg.com/ext_tw_video_thumb/72/pu/img/b.jpg","url":"https://t.co/abc",
         "video_info":{"variants":[{"content_type":"application/x-mpegURL","url":"https://video.twimg.com/b.m3u8"},{"bitrate":256000,"content_type":"video/mp4","url":"https://video.twimg.com/low.mp4"},{"bitrate":2176000,"content_type":"video/mp4","url":"https://video.twimg.com/high.mp4"}]}}]}}`);
    const message = mapAaaItem('aaa-tweet', { item });
    expect(message).toMatchObject({
      text: 'look at this',
      media: [
        { key: '71', type: 'photo', url: 'https://pbs.twimg.com/media/a.jpg', altText: 'a box' },
        { key: '72', type: 'video', url: 'https://pbs.twimg.com/ext_tw_video_thumb/72/pu/img/b.jpg', videoUrl: 'https://video.twimg.com/high.mp4' },
      ],
    });
  });

  it('Account Activity tweet without extended_entities: the one in entities.media; a long tweet: extended_tweet', () => {
    const short = mapAaaItem('aaa-tweet', {
      item: {
        id_str: '2',
        text: 'x https://t.co/q',
        user: { id_str: '9' },
        entities: { media: [{ id_str: '8', type: 'photo', media_url_https: 'https://pbs.twimg.com/media/c.png', url: 'https://t.co/q' }] },
      },
    });
    expect(short).toMatchObject({ text: 'x', media: [{ key: '8', url: 'https://pbs.twimg.com/media/c.png' }] });
    const long = mapAaaItem('aaa-tweet', {
      item: {
        id_str: '3',
        text: 'cut…',
        truncated: true,
        user: { id_str: '9' },
        extended_tweet: {
          full_text: 'the whole text https://t.co/z',
          extended_entities: {
            media: [
              {
                id_str: '5',
                type: 'animated_gif',
                media_url_https: 'https://pbs.twimg.com/tweet_video_thumb/d.jpg',
                url: 'https://t.co/z',
                video_info: { variants: [{ bitrate: 0, content_type: 'video/mp4', url: 'https://video.twimg.com/tweet_video/d.mp4' }] },
              },
            ],
          },
        },
      },
    });
    expect(long).toMatchObject({ text: 'the whole text', media: [{ key: '5', type: 'animated_gif', videoUrl: 'https://video.twimg.com/tweet_video/d.mp4' }] });
  });

  it('Account Activity DM: message_data.attachment.media from ton.twitter.com', () => {
    const dm = mapAaaItem('aaa-dm', {
      item: {
        type: 'message_create',
        id: '44',
        message_create: {
          target: { recipient_id: '1' },
          sender_id: '9',
          message_data: {
            text: 'error https://t.co/m',
            entities: {},
            attachment: { type: 'media', media: { id_str: '66', type: 'photo', media_url_https: 'https://ton.twitter.com/1.1/ton/data/dm/44/66/x.jpg', url: 'https://t.co/m' } },
          },
        },
      },
      users: {},
    });
    expect(dm).toMatchObject({ kind: 'dm', text: 'error', media: [{ key: '66', type: 'photo', url: 'https://ton.twitter.com/1.1/ton/data/dm/44/66/x.jpg' }] });
  });

  it('API v2: attachments.media_keys resolved in includes.media; unknown keys and types left out', () => {
    const page = tweetPageFromV2({
      data: [
        {
          id: '10',
          author_id: '9',
          text: 'photo https://t.co/p',
          attachments: { media_keys: ['3_1', '7_2', '3_404'] },
          entities: { urls: [{ url: 'https://t.co/p', expanded_url: 'https://x.com/k/status/10/photo/1', media_key: '3_1' }] },
        },
      ],
      includes: {
        users: [{ id: '9', username: 'k', name: 'K' }],
        media: [
          { media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/p.jpg', alt_text: 'p' },
          { media_key: '7_2', type: 'video', preview_image_url: 'https://pbs.twimg.com/v.jpg', variants: [{ bit_rate: 1, content_type: 'video/mp4', url: 'https://video.twimg.com/v.mp4' }] },
          { media_key: '9_9', type: 'poll' },
        ],
      },
    });
    expect(page.messages[0]).toMatchObject({
      text: 'photo',
      media: [
        { key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/p.jpg', altText: 'p' },
        { key: '7_2', type: 'video', url: 'https://pbs.twimg.com/v.jpg', videoUrl: 'https://video.twimg.com/v.mp4' },
      ],
    });
    const dms = directMessagePageFromV2({
      data: [{ id: '20', event_type: 'MessageCreate', sender_id: '9', dm_conversation_id: '1-9', text: 'hi https://t.co/d', attachments: { media_keys: ['3_5'] } }],
      includes: { media: [{ media_key: '3_5', type: 'photo', url: 'https://ton.twitter.com/1.1/ton/data/dm/20/5/d.jpg' }] },
    });
    expect(dms.messages[0]).toMatchObject({ text: 'hi', media: [{ key: '3_5', url: 'https://ton.twitter.com/1.1/ton/data/dm/20/5/d.jpg' }] });
    expect(tweetPageFromV2({ data: [{ id: '11', author_id: '9', text: 'plain' }] }).messages[0].media).toBeUndefined();
  });
});
