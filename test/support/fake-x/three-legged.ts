import { isFormContentType } from '../../../src/channels/x/oauth1-signer';
import type { FakeXAccounts } from './accounts';
import { callbackNotApproved, escapeHtml, form, html, redirect, text, v11Error, type Answer } from './answers';
import { isAbsoluteUrl, randomToken, withQuery, type FakeRequest } from './http';
import type { Auth } from './oauth-verification';

/**
 * "Sign in with X", X's side (OAuth 1.0a 3-legged flow): request tokens for an approved oauth_callback, the
 * authorize page a browser sees, the verifier on the way back, and the one-time exchange for the
 * account's access token.
 */

interface RequestTokenGrant {
  consumerKey: string;
  secret: string;
  callback: string;
  verifier?: string;
  userId?: string;
}

export class FakeXThreeLegged {
  private readonly requestTokens = new Map<string, RequestTokenGrant>();

  constructor(private readonly accounts: FakeXAccounts) {}

  /** For the OAuth check of POST /oauth/access_token, which is signed with the request token. */
  requestTokenSecret(token: string, consumerKey: string): string | undefined {
    const grant = this.requestTokens.get(token);
    return grant?.consumerKey === consumerKey ? grant.secret : undefined;
  }

  /** POST /oauth/request_token */
  issueRequestToken(auth: Auth): Answer {
    const callback = auth.oauthParams.oauth_callback;
    if (!callback) {
      return v11Error(400, 417, "Desktop applications only support the oauth_callback value 'oob'");
    }
    const allowList = this.accounts.app(auth.consumerKey)?.callbackUrls;
    const approved = callback === 'oob' || (isAbsoluteUrl(callback) && (!allowList || allowList.includes(callback)));
    if (!approved) return callbackNotApproved();
    const token = randomToken(24);
    const secret = randomToken(32);
    this.requestTokens.set(token, { consumerKey: auth.consumerKey, secret, callback });
    return form(200, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
  }

  /** POST /oauth/access_token */
  exchangeRequestToken(request: FakeRequest, auth: Auth): Answer {
    const grant = this.requestTokens.get(auth.token as string) as RequestTokenGrant;
    const verifier =
      auth.oauthParams.oauth_verifier ?? (isFormContentType(request.contentType) ? new URLSearchParams(request.body).get('oauth_verifier') : null) ?? request.query.get('oauth_verifier');
    const user = grant.userId ? this.accounts.findUser(grant.consumerKey, grant.userId) : undefined;
    if (!grant.verifier || verifier !== grant.verifier || !user) {
      return text(401, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
    }
    this.requestTokens.delete(auth.token as string); // a request token is good for one exchange
    return form(200, {
      oauth_token: user.accessToken,
      oauth_token_secret: user.accessTokenSecret,
      user_id: user.id,
      screen_name: user.username,
    });
  }

  /** GET /oauth/authorize: the page the admin's browser is sent to. */
  authorizePage(oauthToken: string | null): Answer {
    const grant = oauthToken ? this.requestTokens.get(oauthToken) : undefined;
    if (!oauthToken || !grant) {
      return html(400, '<h1>Whoa there!</h1><p>The request token for this page is invalid.</p>');
    }
    const appName = escapeHtml(this.accounts.app(grant.consumerKey)?.name ?? 'socialdesk');
    // The most recently registered account of the app is the one "signed in" by default.
    const candidates = this.accounts.usersOfApp(grant.consumerKey).reverse();
    if (candidates.length === 0) return html(200, `<h1>Authorize ${appName}</h1><p>No X account to sign in with.</p>`);
    const options = candidates.map((user) => `<option value="${escapeHtml(user.id)}">@${escapeHtml(user.username)} (${escapeHtml(user.name)})</option>`).join('');
    return html(
      200,
      `<h1>Authorize ${appName} to access your account?</h1>
<form method="post" action="/oauth/authorize">
  <input type="hidden" name="oauth_token" value="${escapeHtml(oauthToken)}">
  <label>Signed in as <select name="user_id">${options}</select></label>
  <button type="submit" name="decision" value="allow" id="allow">Authorize app</button>
  <button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
</form>`,
    );
  }

  /** POST /oauth/authorize: "Authorize app" or "Cancel". */
  authorizeDecision(formBody: URLSearchParams): Answer {
    const oauthToken = formBody.get('oauth_token') ?? '';
    const grant = this.requestTokens.get(oauthToken);
    if (!grant) return html(400, '<h1>Whoa there!</h1><p>The request token for this page is invalid.</p>');
    if (formBody.get('decision') === 'deny') {
      this.requestTokens.delete(oauthToken);
      return grant.callback === 'oob' ? html(200, '<p>You did not authorize the app.</p>') : redirect(withQuery(grant.callback, { denied: oauthToken }));
    }
    const target = this.approve(oauthToken, formBody.get('user_id') ?? undefined);
    return target.startsWith('oob:') ? html(200, `<p>Enter this PIN to complete authorization: <code id="pin">${escapeHtml(target.slice(4))}</code></p>`) : redirect(target);
  }

  /** What clicking "Authorize app" does: the callback URL with oauth_token and oauth_verifier. */
  approve(oauthToken: string, userId?: string): string {
    const grant = this.requestTokens.get(oauthToken);
    if (!grant) throw new Error(`fake X: unknown request token ${oauthToken}`);
    const user = userId ? this.accounts.findUser(grant.consumerKey, userId) : this.accounts.usersOfApp(grant.consumerKey).at(-1);
    if (!user) throw new Error(`fake X: no registered user ${userId ?? ''} for app ${grant.consumerKey}`);
    grant.userId = user.id;
    grant.verifier = randomToken(32);
    if (grant.callback === 'oob') return `oob:${grant.verifier}`;
    return withQuery(grant.callback, { oauth_token: oauthToken, oauth_verifier: grant.verifier });
  }
}
