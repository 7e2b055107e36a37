import { webhookSignature } from '../../../test/support/fake-x/webhook-signature';
import { crcResponseToken, isTokenShapedCrcToken, isValidWebhookSignature } from './webhook-crypto';

const SECRET = 'DDD';
const BODY = Buffer.from('{"for_user_id":"4337869213","direct_message_events":[{"type":"message_create","id":"954491830116155396"}]}');

describe('webhook CRC', () => {
  it("answers Zammad's published known answer (secret DDD, token some_random)", () => {
    expect(crcResponseToken('some_random', 'DDD')).toBe('sha256=VE19eUk6krbdSqWPdvH71xtFhApBAU81uPW3UT65vOs=');
  });

  it('signs with the consumer secret: another secret gives another answer', () => {
    expect(crcResponseToken('some_random', 'EEE')).not.toBe(crcResponseToken('some_random', 'DDD'));
  });

  it('treats "+" in a token as a character, not as a space', () => {
    expect(crcResponseToken('ab+cd/ef==', SECRET)).not.toBe(crcResponseToken('ab cd/ef==', SECRET));
  });

  it.each(['some_random', 'N2RkZTk1ZjMtOGQ4Yy00ZmE3LWI3NzYtZDY5ZmM4ZGQ5ZTEy', 'aB3-_x9+/Q==', 'A'.repeat(256)])('accepts the token-shaped crc_token %j', (token) =>
    expect(isTokenShapedCrcToken(token)).toBe(true),
  );

  it.each([
    ['a JSON event body', BODY.toString()],
    ['too short', 'abc'],
    ['too long', 'A'.repeat(257)],
    ['with spaces', 'abc def ghi'],
    ['with quotes', '"abcdefghi"'],
    ['not a string', ['abcdefghij']],
    ['missing', undefined],
  ])('refuses a crc_token that is %s', (_, token) => {
    expect(isTokenShapedCrcToken(token)).toBe(false);
  });
});

describe('x-twitter-webhooks-signature', () => {
  const signature = webhookSignature(BODY, SECRET);

  it('is sha256= plus the base64 HMAC-SHA256 of the raw body', () => {
    expect(signature).toMatch(/^sha256=[A-Za-z0-9+/]{43}=$/);
    expect(signature).toBe(crcResponseToken(BODY.toString(), SECRET));
  });

  it('accepts the signature of the exact raw body, as Buffer or string', () => {
    expect(isValidWebhookSignature(BODY, signature, SECRET)).toBe(true);
    expect(isValidWebhookSignature(BODY.toString(), signature, SECRET)).toBe(true);
  });

  it('rejects the same event re-serialized with different whitespace', () => {
    const reserialized = JSON.stringify(JSON.parse(BODY.toString()), null, 1);
    expect(isValidWebhookSignature(reserialized, signature, SECRET)).toBe(false);
  });

  it('rejects a signature made with another consumer secret', () => {
    expect(isValidWebhookSignature(BODY, webhookSignature(BODY, 'other'), SECRET)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', signature.slice('sha256='.length)],
    ['with another algorithm', signature.replace('sha256=', 'sha1=')],
    ['truncated', signature.slice(0, -2)],
    ['not base64', 'sha256=' + '!'.repeat(43) + '='],
    ['repeated', [signature, signature]],
  ])('rejects a header that is %s', (_, header) => {
    expect(isValidWebhookSignature(BODY, header, SECRET)).toBe(false);
  });
});
