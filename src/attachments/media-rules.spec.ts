import { checkedMedia, isMediaHost, safeFileName, sizeLabel, UPLOAD_TYPES, ALL_TYPES } from './media-rules';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const GIF = Buffer.from('GIF89a....', 'latin1');
const WEBP = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1');
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1')]);

describe('checkedMedia', () => {
  it.each([
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/webp', WEBP],
    ['IMAGE/PNG; charset=binary', PNG],
  ])('keeps %s whose bytes agree', (type, bytes) => {
    expect(checkedMedia(type, bytes, UPLOAD_TYPES, 1000)).toEqual({ contentType: type.split(';')[0].toLowerCase() });
  });

  it.each([
    ['text/html', Buffer.from('<html>')],
    ['image/svg+xml', Buffer.from('<svg/>')],
    ['image/png', JPEG],
    ['image/jpeg', Buffer.from('<script>')],
    ['', PNG],
    ['video/mp4', MP4],
  ])('refuses %s (not allowed for uploads, or bytes of another type)', (type, bytes) => {
    expect(checkedMedia(type, bytes, UPLOAD_TYPES, 1000)).toEqual({ problem: { key: 'media.error.type', params: { type: type || '?' } } });
  });

  it('allows MP4 where videos are allowed, refuses empty and oversize files', () => {
    expect(checkedMedia('video/mp4', MP4, ALL_TYPES, 1000)).toEqual({ contentType: 'video/mp4' });
    expect(checkedMedia('image/png', Buffer.alloc(0), ALL_TYPES, 1000)).toEqual({ problem: { key: 'media.error.empty' } });
    expect(checkedMedia('image/png', Buffer.concat([PNG, Buffer.alloc(2000)]), ALL_TYPES, 1024)).toEqual({ problem: { key: 'media.error.tooLarge', params: { max: '1 KB' } } });
  });
});

describe('safeFileName', () => {
  it('keeps letters, digits, - _ . of the last path part, with the checked type’s extension', () => {
    expect(safeFileName('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(safeFileName('C:\\Users\\me\\Bild (1).JPG', 'image/jpeg')).toBe('Bild_1.jpg');
    expect(safeFileName('x.html', 'image/gif')).toBe('x.gif');
    expect(safeFileName('"; filename=evil.exe', 'image/png')).toBe('filename_evil.png');
    expect(safeFileName('', 'video/mp4')).toBe('attachment.mp4');
    expect(safeFileName('Überweisung.png', 'image/png')).toBe('Uberweisung.png');
  });
});

describe('isMediaHost', () => {
  it('allows X’s media hosts over https and the configured X API host, nothing else', () => {
    const api = 'https://api.x.com';
    expect(isMediaHost('https://pbs.twimg.com/media/a.jpg', api)).toBe(true);
    expect(isMediaHost('https://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg', api)).toBe(true);
    expect(isMediaHost('https://video.twimg.com/ext_tw_video/1/pu/vid/a.mp4', api)).toBe(true);
    expect(isMediaHost('http://pbs.twimg.com/media/a.jpg', api)).toBe(false);
    expect(isMediaHost('https://pbs.twimg.com.evil.example/a.jpg', api)).toBe(false);
    expect(isMediaHost('https://169.254.169.254/latest/meta-data', api)).toBe(false);
    expect(isMediaHost('https://pbs.twimg.com:8443/a.jpg', api)).toBe(false);
    expect(isMediaHost('http://127.0.0.1:4010/media/a.png', 'http://127.0.0.1:4010')).toBe(true);
    expect(isMediaHost('http://127.0.0.1:4011/media/a.png', 'http://127.0.0.1:4010')).toBe(false);
    expect(isMediaHost('not a url', api)).toBe(false);
  });
});

it('labels sizes', () => {
  expect([sizeLabel(12), sizeLabel(2048), sizeLabel(5 * 1024 * 1024), sizeLabel(1.5 * 1024 * 1024)]).toEqual(['12 B', '2 KB', '5 MB', '1.5 MB']);
});
