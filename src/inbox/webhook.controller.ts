import { BadRequestException, Controller, ForbiddenException, Get, Headers, HttpCode, NotFoundException, Param, Post, Query, Req, UnauthorizedException } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request } from 'express';
import { AaaBodyError, splitAaaDelivery } from '../channels/x/aaa-webhook-body';
import { crcResponseToken, isTokenShapedCrcToken, isValidWebhookSignature } from '../channels/x/webhook-crypto';
import { Public } from '../auth/access.decorators';
import { InboxStore } from './inbox-store.service';
import { InboxWorker } from './inbox-worker.service';
import { ProfileDirectory } from './profile-directory.service';

export const WEBHOOK_PATH = '/webhooks/x';

/**
 * X's Account Activity webhook, one URL per profile (shown in wizard step 1); profiles of one X app
 * share the URL registered first (X allows few per app). Events are checked, stored and answered
 * 200 before any processing; the worker takes it from there.
 * Signed by X, not by a session: exempt from CSRF (see app.setup.ts).
 */
@Controller(WEBHOOK_PATH.slice(1))
export class WebhookController {
  constructor(
    private readonly profiles: ProfileDirectory,
    private readonly store: InboxStore,
    private readonly worker: InboxWorker,
  ) {}

  /**
   * CRC: proves to X that we hold the app's consumer secret. Answered for any profile with keys, also
   * one switched off: other profiles of the same X app may receive through its URL (docs/X.md).
   * Only X-shaped tokens are signed.
   */
  @Get(':profileId')
  @Public()
  async crc(@Param('profileId', RecordIdPipe) profileId: number, @Query('crc_token') crcToken: unknown) {
    const keys = await this.profiles.webhookKeys(profileId);
    if (!keys) throw new NotFoundException();
    if (!isTokenShapedCrcToken(crcToken)) throw new BadRequestException('crc_token missing or malformed');
    return { response_token: crcResponseToken(crcToken, keys.consumerSecret) };
  }

  @Post(':profileId')
  @Public()
  @HttpCode(200)
  async receive(@Param('profileId', RecordIdPipe) profileId: number, @Headers('x-twitter-webhooks-signature') signature: string | undefined, @Req() req: Request) {
    const urlProfile = await this.profiles.active(profileId);
    const keys = urlProfile ? { ...urlProfile.credentials, accountId: urlProfile.accountId } : await this.profiles.webhookKeys(profileId);
    if (!keys) throw new NotFoundException();
    if (!signature) throw new BadRequestException('x-twitter-webhooks-signature missing');
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!isValidWebhookSignature(rawBody, signature, keys.consumerSecret)) throw new UnauthorizedException();

    let delivery;
    try {
      delivery = splitAaaDelivery(rawBody.toString('utf8'));
    } catch (err) {
      if (err instanceof AaaBodyError) throw new BadRequestException(err.message);
      throw err;
    }
    // Profiles of one X app share one webhook: for_user_id says whose events these are.
    const forUserId = delivery.forUserId;
    const profile =
      urlProfile && forUserId === urlProfile.accountId ? urlProfile : forUserId !== undefined ? await this.profiles.activeForAccount(forUserId, keys.consumerKey, keys.consumerSecret) : undefined;
    if (!profile) {
      if (forUserId !== undefined && forUserId === keys.accountId) throw new NotFoundException();
      throw new ForbiddenException('for_user_id is not the account of a profile of this app');
    }

    await this.store.store(profile.id, 'webhook', delivery.items);
    this.worker.kick();
    return {};
  }
}
