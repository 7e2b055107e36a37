import { Foundation1763700000000 } from './1763700000000-Foundation';
import { SocialMediaProfiles1763800000000 } from './1763800000000-SocialMediaProfiles';
import { Acl1763900000000 } from './1763900000000-Acl';
import { Tickets1764000000000 } from './1764000000000-Tickets';
import { TicketThreads1764100000000 } from './1764100000000-TicketThreads';
import { Conversations1764150000000 } from './1764150000000-Conversations';
import { ReceivingMode1764200000000 } from './1764200000000-ReceivingMode';
import { LoginThrottle1764300000000 } from './1764300000000-LoginThrottle';
import { SessionOwners1764300001000 } from './1764300001000-SessionOwners';
import { SharedKeys1764300002000 } from './1764300002000-SharedKeys';
import { AgentDay1764500000000 } from './1764500000000-AgentDay';
import { ArticleFormKeys1764550000000 } from './1764550000000-ArticleFormKeys';
import { Attachments1764551000000 } from './1764551000000-Attachments';
import { TicketSearch1764552000000 } from './1764552000000-TicketSearch';
import { TicketListIndex1764553000000 } from './1764553000000-TicketListIndex';
import { EpochMsTimes1764600000000 } from './1764600000000-EpochMsTimes';

export const MIGRATIONS = [
  Foundation1763700000000,
  SocialMediaProfiles1763800000000,
  Acl1763900000000,
  Tickets1764000000000,
  TicketThreads1764100000000,
  Conversations1764150000000,
  ReceivingMode1764200000000,
  LoginThrottle1764300000000,
  SessionOwners1764300001000,
  SharedKeys1764300002000,
  AgentDay1764500000000,
  ArticleFormKeys1764550000000,
  Attachments1764551000000,
  TicketSearch1764552000000,
  TicketListIndex1764553000000,
  EpochMsTimes1764600000000,
];
