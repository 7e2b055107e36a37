import { Foundation1763700000000 } from './1763700000000-Foundation';
import { SocialMediaProfiles1763800000000 } from './1763800000000-SocialMediaProfiles';
import { Acl1763900000000 } from './1763900000000-Acl';
import { Tickets1764000000000 } from './1764000000000-Tickets';
import { TicketThreads1764100000000 } from './1764100000000-TicketThreads';
import { ReceivingMode1764200000000 } from './1764200000000-ReceivingMode';
import { LoginThrottle1764300000000 } from './1764300000000-LoginThrottle';
import { SessionOwners1764300001000 } from './1764300001000-SessionOwners';
import { SharedKeys1764300002000 } from './1764300002000-SharedKeys';
import { AgentDay1764500000000 } from './1764500000000-AgentDay';

export const MIGRATIONS = [
  Foundation1763700000000,
  SocialMediaProfiles1763800000000,
  Acl1763900000000,
  Tickets1764000000000,
  TicketThreads1764100000000,
  ReceivingMode1764200000000,
  LoginThrottle1764300000000,
  SessionOwners1764300001000,
  SharedKeys1764300002000,
  AgentDay1764500000000,
];
