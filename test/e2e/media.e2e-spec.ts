import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { MediaFetcher } from '../../src/attachments/media-fetcher.service';
import { replyUploadParsing } from '../../src/attachments/reply-upload';
import { Attachment } from '../../src/attachments/attachment.entity';
import { Clock } from '../../src/common/clock';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Poller } from '../../src/inbox/poller.service';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { ArticleDeliveryService } from '../../src/tickets/article-delivery.service';
import { Article } from '../../src/tickets/article.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, TINY_MP4, TINY_PNG, type FakeXApi, type FakeXSentDirectMessage, type FakeXSentTweet } from '../support/fake-x-api';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, follow, logIn } from '../utils/http';
import { PROFILE_DIRECTORY_TTL_PASSED_MS, TestClock } from '../utils/test-clock';

/** A real JPEG's first bytes: enough for the magic-number check. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.alloc(200, 7)]);
const SIX_MB_PNG = Buffer.concat([TINY_PNG, Buffer.alloc(6 * 1024 * 1024)]);

/**
 * Photos, GIFs and videos (issue 10): customers' media fetched from X outside the inbox's
 * transaction — DM media with the profile's OAuth signature — stored in the database, served
 * safely to agents who may read the ticket; an agent's image uploaded to X with the reply, once
 * per form key. X is the fake, over real HTTP both ways.
 */
describe('media in tweets and DMs, both ways', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let profileId: number;
  let seq = 0;
  const agents: Record<string, TestAgent> = {};
  const clock = new TestClock();

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    account = registerXAccount(fakeX);
    const port = await freePort();
    t = await createTestApp({
      env: { X_API_BASE_URL: fakeX.baseUrl, X_API_TIMEOUT_MS: '2000', BASE_URL: `http://127.0.0.1:${port}`, DELIVERY_INTERVAL_MS: '3600000' },
      override: (b) => b.overrideProvider(Clock).useValue(clock),
    });
    await t.app.listen(port, '127.0.0.1');
    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save({ name: 'support', comment: '', validity: 'valid' });
    const sales = await groups.save({ name: 'sales', comment: '', validity: 'valid' });
    const queue = await t.dataSource.getRepository(Queue).save({ name: 'Support', groupId: support.id, followUp: 'possible' });
    const profile = await createReadyProfile(t, { accountId: account.userId, targetQueueId: queue.id });
    await t.dataSource.getRepository(SocialMediaProfile).update({ id: profile.id }, { aaaEnvironment: 'prod' });
    profileId = profile.id;
    fakeX.subscribeWebhook({ url: `http://127.0.0.1:${port}/webhooks/x/${profileId}`, consumerKey: account.consumerKey, forUserId: account.userId });
    for (const [login, groupId] of [
      ['anna', support.id],
      ['nora', sales.id],
    ] as const) {
      const agent = await t.app.get(AgentsService).create({ login, name: login, password: `${login}-password` });
      await t.app.get(AgentsService).setMembership(agent.id, groupId, 'rw');
      agents[login] = browserLike(t.app);
      await logIn(agents[login], login, `${login}-password`);
    }
  });
  afterAll(async () => {
    await t?.close();
    await fakeX?.close();
  });

  const customer = () => ({ id: String(1_910_000_000_000_000_000n + BigInt(++seq)), username: `fotograf${seq}`, name: `Fotograf ${seq}` });
  const me = () => ({ id: account.userId, username: account.username, name: account.name });
  const inbox = async () => {
    await fakeX.waitForDeliveries();
    await t.app.get(InboxWorker).drain();
  };
  const fetchMedia = () => t.app.get(MediaFetcher).drain();
  const ticketOf = async (externalId: string) => (await t.dataSource.getRepository(Article).findOneByOrFail({ externalId })).ticketId;
  const attachmentsOf = (ticketId: number) => t.dataSource.getRepository(Attachment).find({ where: { ticketId }, order: { id: 'ASC' } });
  const storedBytes = async (id: number) => (await t.dataSource.query(`SELECT COUNT(*) AS n FROM attachment_data WHERE attachment_id = ${id}`))[0].n;
  const thumbnails = (html: string) => [...html.matchAll(/<img src="(\/tickets\/\d+\/attachments\/\d+\/[^"]+)"/g)].map((m) => m[1]);

  it('a photo in a mention: nothing fetched inside the inbox’s work, then fetched, stored, shown and served safely', async () => {
    const c = customer();
    const { tweetId } = await fakeX.deliverTweet({
      author: c,
      text: `@${account.username} the box arrived like this`,
      mentions: [me()],
      media: [{ type: 'photo', bytes: TINY_PNG, altText: 'a crushed box' }],
    });
    await inbox();
    const ticketId = await ticketOf(tweetId);
    const article = await t.dataSource.getRepository(Article).findOneByOrFail({ externalId: tweetId });
    expect(article.body).toBe(`@${account.username} the box arrived like this`); // X's t.co link to the photo is gone
    const [pending] = await attachmentsOf(ticketId);
    expect(pending).toMatchObject({ status: 'pending', mediaType: 'photo', signedFetch: false, altText: 'a crushed box' });
    expect(fakeX.mediaFetches).toHaveLength(0);
    expect((await agents.anna.get(`/tickets/${ticketId}`)).text).toContain('being fetched from X');

    await fetchMedia();
    const [stored] = await attachmentsOf(ticketId);
    expect(stored).toMatchObject({ status: 'stored', contentType: 'image/png', size: TINY_PNG.length });
    expect(fakeX.mediaFetches.at(-1)).toMatchObject({ signed: false, status: 200 });
    const [src] = thumbnails((await agents.anna.get(`/tickets/${ticketId}`)).text);
    expect(src).toMatch(new RegExp(`^/tickets/${ticketId}/attachments/${stored.id}/[\\w.-]+\\.png$`));
    const file = await agents.anna.get(src).buffer(true);
    expect(file.status).toBe(200);
    expect(file.body).toEqual(TINY_PNG);
    expect(file.headers).toMatchObject({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" });
    expect(file.headers['content-disposition']).toMatch(/^inline; filename="[\w.-]+\.png"$/);
  });

  it('a DM photo lives on ton.twitter.com: fetched with the account’s signature, which X demands', async () => {
    const c = customer();
    const { eventId } = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'Screenshot of the error', media: [{ type: 'photo', bytes: JPEG, contentType: 'image/jpeg' }] });
    await inbox();
    const ticketId = await ticketOf(eventId);
    expect((await t.dataSource.getRepository(Article).findOneByOrFail({ externalId: eventId })).body).toBe('Screenshot of the error');
    const [pending] = await attachmentsOf(ticketId);
    expect(pending).toMatchObject({ status: 'pending', signedFetch: true });
    // Without the signature X answers 401.
    const unsigned = await fetch(pending.sourceUrl!);
    expect(unsigned.status).toBe(401);
    await fetchMedia();
    const [stored] = await attachmentsOf(ticketId);
    expect(stored).toMatchObject({ status: 'stored', contentType: 'image/jpeg', size: JPEG.length });
    expect(fakeX.mediaFetches.at(-1)).toMatchObject({ signed: true, status: 200 });
    const [src] = thumbnails((await agents.anna.get(`/tickets/${ticketId}`)).text);
    expect((await agents.anna.get(src).buffer(true)).body).toEqual(JPEG);
  });

  it('a tweet’s video is a link to X; a DM’s video is stored and served as a download', async () => {
    const c = customer();
    const { tweetId } = await fakeX.deliverTweet({ author: c, text: `@${account.username} watch this`, mentions: [me()], media: [{ type: 'video' }] });
    const { eventId } = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'and this', media: [{ type: 'animated_gif' }] });
    await inbox();
    await fetchMedia();
    const tweetTicket = await ticketOf(tweetId);
    const [linked] = await attachmentsOf(tweetTicket);
    expect(linked).toMatchObject({ status: 'linked', mediaType: 'video' });
    expect(linked.linkUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/[\w-]+\.mp4$/);
    expect((await agents.anna.get(`/tickets/${tweetTicket}`)).text).toContain(`href="${linked.linkUrl}" rel="noopener noreferrer" target="_blank" data-test="media-link">Watch the video on X</a>`);

    const dmTicket = await ticketOf(eventId);
    const [gif] = await attachmentsOf(dmTicket);
    expect(gif).toMatchObject({ status: 'stored', mediaType: 'animated_gif', contentType: 'video/mp4' });
    const page = (await agents.anna.get(`/tickets/${dmTicket}`)).text;
    const href = new RegExp(`<a href="(/tickets/${dmTicket}/attachments/${gif.id}/[^"]+)" data-test="media-link">GIF`).exec(page)![1];
    const file = await agents.anna.get(href).buffer(true);
    expect(file.headers['content-type']).toBe('video/mp4');
    expect(file.headers['content-disposition']).toMatch(/^attachment; /);
  });

  it('keeps no file whose type is not allowed or whose bytes lie about it, nor one over the size limit, and says why', async () => {
    const c = customer();
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    const { eventId } = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'odd files', media: [{ type: 'photo', bytes: html, contentType: 'text/html' }] });
    const second = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'svg', media: [{ type: 'photo', bytes: svg, contentType: 'image/png' }] });
    const third = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'huge', media: [{ type: 'photo', bytes: SIX_MB_PNG, contentType: 'image/png' }] });
    await inbox();
    await fetchMedia();
    const ticketId = await ticketOf(eventId);
    const all = await attachmentsOf(ticketId);
    expect(all.map((a) => [a.status, JSON.parse(a.error!).key])).toEqual([
      ['failed', 'media.error.type'],
      ['failed', 'media.error.type'],
      ['failed', 'media.error.tooLarge'],
    ]);
    for (const a of all) expect(Number(await storedBytes(a.id))).toBe(0);
    expect(await ticketOf(second.eventId)).toBe(ticketId);
    expect(await ticketOf(third.eventId)).toBe(ticketId);
    const page = (await agents.anna.get(`/tickets/${ticketId}`)).text;
    expect(page).toContain('Image: Only JPEG, PNG, GIF and WebP images (and MP4 videos from X) are kept; this file is of type “text/html”');
    expect(page).toContain('Image: The file is larger than 5 MB; it was not kept.');
    expect(thumbnails(page)).toEqual([]);
    for (const a of all) expect((await agents.anna.get(`/tickets/${ticketId}/attachments/${a.id}`)).status).toBe(404);
  });

  it('serves a file only to agents who may read its ticket, and only under its own ticket', async () => {
    const c = customer();
    const { eventId } = await fakeX.deliverDirectMessage({ from: c, toUserId: account.userId, text: 'private photo', media: [{ type: 'photo' }] });
    await inbox();
    await fetchMedia();
    const ticketId = await ticketOf(eventId);
    const [a] = await attachmentsOf(ticketId);
    expect((await agents.anna.get(`/tickets/${ticketId}/attachments/${a.id}`)).status).toBe(200);
    expect((await agents.nora.get(`/tickets/${ticketId}/attachments/${a.id}`)).status).toBe(404);
    expect((await request(t.app.getHttpServer()).get(`/tickets/${ticketId}/attachments/${a.id}`)).status).toBe(303);
    const other = await fakeX.deliverDirectMessage({ from: customer(), toUserId: account.userId, text: 'another ticket' });
    await inbox();
    expect((await agents.anna.get(`/tickets/${await ticketOf(other.eventId)}/attachments/${a.id}`)).status).toBe(404);
    expect((await agents.anna.get(`/tickets/${ticketId}/attachments/99999999999`)).status).toBe(404);
  });

  it('polled DMs and mentions (API v2: attachments.media_keys, includes.media) bring their media too', async () => {
    await t.dataSource.getRepository(SocialMediaProfile).update({ id: profileId }, { aaaEnvironment: '' });
    clock.advance(PROFILE_DIRECTORY_TTL_PASSED_MS); // past the profile directory's cache
    try {
      await t.app.get(Poller).pollDue(); // the first poll sets the cursors
      const c = customer();
      const { eventId } = fakeX.postDirectMessage({ from: c, toUserId: account.userId, text: 'polled with a photo', media: [{ type: 'photo', bytes: JPEG, contentType: 'image/jpeg' }] });
      const { tweetId } = fakeX.postPublicTweet({ author: c, text: `@${account.username} polled video`, mentions: [me()], media: [{ type: 'video' }] });
      await t.dataSource.query('UPDATE poll_cursors SET next_poll_at = 0');
      expect(await t.app.get(Poller).pollDue()).toBe(2);
      await inbox();
      await fetchMedia();
      expect((await t.dataSource.getRepository(Article).findOneByOrFail({ externalId: eventId })).body).toBe('polled with a photo');
      expect(await attachmentsOf(await ticketOf(eventId))).toEqual([expect.objectContaining({ status: 'stored', contentType: 'image/jpeg', signedFetch: true })]);
      expect(await attachmentsOf(await ticketOf(tweetId))).toEqual([expect.objectContaining({ status: 'linked', mediaType: 'video' })]);
    } finally {
      await t.dataSource.getRepository(SocialMediaProfile).update({ id: profileId }, { aaaEnvironment: 'prod' });
      clock.advance(PROFILE_DIRECTORY_TTL_PASSED_MS);
    }
  });

  describe('an agent attaches an image to a reply', () => {
    /** The zoom's reply form: its action (with the CSRF token, since the multipart body is read after the check) and its one-time key. */
    async function replyForm(ticketId: number) {
      const page = await agents.anna.get(`/tickets/${ticketId}`);
      const [, action, formKey] = /<form[^>]*action="([^"]*)"[^>]*id="reply"[\s\S]*?name="formKey" value="([^"]+)"/.exec(page.text)!;
      return { action: action.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), formKey };
    }
    function postReply(ticketId: number, form: { action: string; formKey: string }, fields: Record<string, string>, image?: { bytes: Buffer; name: string; type: string }) {
      expect(form.action).toMatch(new RegExp(`^/tickets/${ticketId}/reply\\?_csrf=[0-9a-f]+$`));
      const req = agents.anna.post(form.action).field('formKey', form.formKey);
      for (const [name, value] of Object.entries(fields)) req.field(name, value);
      if (image) req.attach('image', image.bytes, { filename: image.name, contentType: image.type });
      return req;
    }
    const dmTicket = async () => {
      const { eventId } = await fakeX.deliverDirectMessage({ from: customer(), toUserId: account.userId, text: 'Help!' });
      await inbox();
      return ticketOf(eventId);
    };
    const sentDms = () => fakeX.sent.filter((s): s is FakeXSentDirectMessage => s.kind === 'dm');

    it('uploads it to X once and sends it with the DM, even when the form is posted twice at once', async () => {
      const ticketId = await dmTicket();
      const before = { uploads: fakeX.uploads.length, dms: sentDms().length };
      const form = await replyForm(ticketId);
      const send = () => postReply(ticketId, form, { channel: 'dm', body: 'Here is how it should look.' }, { bytes: JPEG, name: '../../Screen shot (1).JPG', type: 'image/jpeg' });
      const [a, b] = await Promise.all([send(), send()]);
      expect([a.status, b.status]).toEqual([303, 303]);
      expect(b.headers.location).toBe(a.headers.location);
      const replies = await t.dataSource.getRepository(Article).findBy({ ticketId, sender: 'agent' });
      expect(replies).toHaveLength(1);
      const [attachment] = await attachmentsOf(ticketId);
      expect(await attachmentsOf(ticketId)).toHaveLength(1);
      expect(attachment).toMatchObject({ direction: 'outgoing', status: 'stored', contentType: 'image/jpeg', fileName: 'Screen_shot_1.jpg', articleId: replies[0].id });
      expect(fakeX.uploads.slice(before.uploads)).toEqual([expect.objectContaining({ category: 'dm_image', contentType: 'image/jpeg', bytes: JPEG, userId: account.userId })]);
      const dms = sentDms().slice(before.dms);
      expect(dms).toEqual([expect.objectContaining({ text: 'Here is how it should look.', mediaIds: [fakeX.uploads.at(-1)!.id] })]);
      expect(replies[0]).toMatchObject({ deliveryStatus: 'sent', externalId: dms[0].dmEventId });
      const page = (await follow(agents.anna, a)).text;
      expect(thumbnails(page)).toEqual([`/tickets/${ticketId}/attachments/${attachment.id}/Screen_shot_1.jpg`]);
    });

    it('sends an image with a reply tweet as tweet_image', async () => {
      const c = customer();
      const { tweetId } = await fakeX.deliverTweet({ author: c, text: `@${account.username} how do I do this?`, mentions: [me()] });
      await inbox();
      const ticketId = await ticketOf(tweetId);
      await postReply(ticketId, await replyForm(ticketId), { channel: 'tweet', body: `@${c.username} like this` }, { bytes: TINY_PNG, name: 'howto.png', type: 'image/png' }).expect(303);
      const tweet = fakeX.sent.filter((s): s is FakeXSentTweet => s.kind === 'tweet').at(-1)!;
      expect(tweet).toMatchObject({ text: `@${c.username} like this`, inReplyToTweetId: tweetId, mediaIds: [fakeX.uploads.at(-1)!.id] });
      expect(fakeX.uploads.at(-1)).toMatchObject({ category: 'tweet_image', contentType: 'image/png' });
    });

    it('refuses a file that is not an allowed image, or lies about it, or is over 5 MB, next to the field; nothing stored or sent', async () => {
      const ticketId = await dmTicket();
      const before = { uploads: fakeX.uploads.length, dms: sentDms().length };
      const cases = [
        { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'logo.svg', type: 'image/svg+xml', message: 'this file is of type “image/svg+xml”' },
        { bytes: Buffer.from('MZ\x90\x00 not really a png'), name: 'photo.png', type: 'image/png', message: 'this file is of type “image/png” or its content does not match its type' },
        { bytes: TINY_MP4, name: 'clip.mp4', type: 'video/mp4', message: 'this file is of type “video/mp4”' },
        { bytes: SIX_MB_PNG, name: 'huge.png', type: 'image/png', message: 'The file is larger than 5 MB' },
      ];
      for (const bad of cases) {
        const res = await postReply(ticketId, await replyForm(ticketId), { channel: 'dm', body: 'Text stays' }, bad);
        expect([bad.name, res.status, res.headers.location]).toEqual([bad.name, 303, `/tickets/${ticketId}/reply`]);
        const page = (await follow(agents.anna, await follow(agents.anna, res))).text;
        expect([bad.name, page]).toEqual([bad.name, expect.stringMatching(new RegExp(`id="reply-image-error"[^>]*>[^<]*${bad.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))]);
        expect(page).toContain('>Text stays</textarea>');
      }
      expect(await t.dataSource.getRepository(Article).countBy({ ticketId, sender: 'agent' })).toBe(0);
      expect(await attachmentsOf(ticketId)).toEqual([]);
      expect(fakeX.uploads.length).toBe(before.uploads);
      expect(sentDms().length).toBe(before.dms);
    });

    it('reads a reply’s multipart body only after the agent and the CSRF token passed (token in the form’s URL)', async () => {
      const ticketId = await dmTicket();
      const form = await replyForm(ticketId);
      const multipart = (client: TestAgent, path: string) =>
        client.post(path).field('formKey', form.formKey).field('channel', 'dm').field('body', 'Not read').attach('image', TINY_PNG, { filename: 'a.png', contentType: 'image/png' });
      const runs = replyUploadParsing.runs;
      // Anonymous (its redirect to the login page comes before the body), no token, a forged token, the token only inside the body.
      expect((await multipart(request(t.app.getHttpServer()), form.action)).status).toBe(403);
      expect((await multipart(agents.anna, `/tickets/${ticketId}/reply`)).status).toBe(403);
      expect((await multipart(agents.anna, `/tickets/${ticketId}/reply?_csrf=forged`)).status).toBe(403);
      const token = new URLSearchParams(form.action.split('?')[1]).get('_csrf')!;
      expect((await multipart(agents.anna, `/tickets/${ticketId}/reply`).field('_csrf', token)).status).toBe(403);
      expect(replyUploadParsing.runs).toBe(runs);
      expect(await t.dataSource.getRepository(Article).countBy({ ticketId, sender: 'agent' })).toBe(0);
      // The page's own action is read once.
      expect((await postReply(ticketId, form, { channel: 'dm', body: 'Read' })).status).toBe(303);
      expect(replyUploadParsing.runs).toBe(runs + 1);
    });

    it('a retry after X’s rate limit reuses the uploaded media id instead of uploading again', async () => {
      const ticketId = await dmTicket();
      const before = fakeX.uploads.length;
      fakeX.setRateLimit('POST /2/dm_conversations/with/:participant_id/messages', 0);
      try {
        const res = await postReply(ticketId, await replyForm(ticketId), { channel: 'dm', body: 'Second try works' }, { bytes: TINY_PNG, name: 'a.png', type: 'image/png' });
        expect((await follow(agents.anna, res)).text).toContain('will be sent as soon as X accepts it');
      } finally {
        fakeX.setRateLimit('POST /2/dm_conversations/with/:participant_id/messages', 200);
      }
      expect(fakeX.uploads.length).toBe(before + 1);
      const article = await t.dataSource.getRepository(Article).findOneByOrFail({ ticketId, sender: 'agent' });
      expect(article.deliveryStatus).toBe('sending');
      await t.dataSource.getRepository(Article).update({ id: article.id }, { nextAttemptAt: Date.now() });
      await t.app.get(ArticleDeliveryService).kick();
      expect(fakeX.uploads.length).toBe(before + 1);
      expect(sentDms().at(-1)).toMatchObject({ text: 'Second try works', mediaIds: [fakeX.uploads.at(-1)!.id] });
    });
  });
});
