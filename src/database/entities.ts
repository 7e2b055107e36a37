import { AclDeployment } from '../acl/acl-deployment.entity';
import { StoredAcl } from '../acl/acl.entity';
import { Attachment } from '../attachments/attachment.entity';
import { LoginThrottleCounter } from '../auth/login-throttle.entity';
import { HttpSession } from '../common/http-session.entity';
import { InboxEvent } from '../inbox/inbox-event.entity';
import { PollCursor } from '../inbox/poll-cursor.entity';
import { SharedKey } from '../keys/shared-key.entity';
import { Queue } from '../queues/queue.entity';
import { ProfileWebhook } from '../social-media-profiles/profile-webhook.entity';
import { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { TrackedHashtag } from '../social-media-profiles/tracked-hashtag.entity';
import { Article } from '../tickets/article.entity';
import { TicketHistoryEntry } from '../tickets/ticket-history.entity';
import { TicketThread } from '../tickets/ticket-thread.entity';
import { Ticket } from '../tickets/ticket.entity';
import { Group } from '../agents/group.entity';
import { GroupMembership } from '../agents/group-membership.entity';
import { Agent } from '../agents/agent.entity';

/** Explicit lists (no globs): identical under ts-node, ts-jest and dist/. */
export const ENTITIES = [
  Agent,
  Group,
  GroupMembership,
  Queue,
  HttpSession,
  LoginThrottleCounter,
  SocialMediaProfile,
  TrackedHashtag,
  ProfileWebhook,
  StoredAcl,
  AclDeployment,
  Ticket,
  TicketThread,
  TicketHistoryEntry,
  Article,
  Attachment,
  InboxEvent,
  PollCursor,
  SharedKey,
];
