import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AgentsService } from './agents.service';
import { GroupsService } from './groups.service';

export const ADMIN_LOGIN = 'root@localhost';

/**
 * On the very first start (no agent at all) creates the administrator. The password comes from
 * ADMIN_PASSWORD or is generated and printed once; only its argon2id hash is stored.
 * Groups and queues are seeded by the first migration.
 */
@Injectable()
export class AdminSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Setup');

  constructor(
    private readonly agents: AgentsService,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.agents.count()) > 0) return;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const admin = await this.agents.create({ login: ADMIN_LOGIN, name: 'Administrator', password, language: 'en' });
    for (const name of ['admin', 'users']) {
      const group = await this.groups.findByName(name);
      if (group) await this.agents.setMembership(admin.id, group.id, 'rw');
    }
    if (this.config.adminPassword) {
      this.logger.log(`Created administrator ${ADMIN_LOGIN} with the password from ADMIN_PASSWORD.`);
    } else {
      // Straight to the console (not only the structured log) so a newcomer sees it once; stderr keeps
      // stdout clean for the command line's machine-readable output (acl evaluate).
      process.stderr.write(`\n  Created administrator ${ADMIN_LOGIN} with password: ${password}\n  It is shown only this once; change it under Admin → Agents.\n\n`);
    }
  }
}
