import { Foundation1763700000000 } from './1763700000000-Foundation';
import { SocialMediaProfiles1763800000000 } from './1763800000000-SocialMediaProfiles';
import { Acl1763900000000 } from './1763900000000-Acl';
import { Tickets1764000000000 } from './1764000000000-Tickets';
import { ReceivingMode1764200000000 } from './1764200000000-ReceivingMode';

export const MIGRATIONS = [Foundation1763700000000, SocialMediaProfiles1763800000000, Acl1763900000000, Tickets1764000000000, ReceivingMode1764200000000];
