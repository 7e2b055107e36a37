import { Controller, Get, Render } from '@nestjs/common';
import { AdminOnly } from '../auth/access.decorators';
import { ChannelHealthReader } from '../social-media-profiles/channel-health';
import { ADMIN_SECTIONS } from './admin-navigation';

@Controller('admin')
export class AdminOverviewController {
  constructor(private readonly health: ChannelHealthReader) {}

  /** The admin sections, and above them how every channel is doing. */
  @Get()
  @AdminOnly()
  @Render('pages/admin/overview')
  async overview() {
    return { title: 'admin.title', nav: 'overview', sections: ADMIN_SECTIONS, channels: await this.health.profilesWithHealth() };
  }
}
