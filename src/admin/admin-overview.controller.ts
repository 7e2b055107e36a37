import { Controller, Get, Render } from '@nestjs/common';
import { AdminOnly } from '../auth/access.decorators';
import { ADMIN_SECTIONS } from './admin-navigation';

@Controller('admin')
export class AdminOverviewController {
  @Get()
  @AdminOnly()
  @Render('pages/admin/overview')
  overview() {
    return { title: 'admin.title', nav: 'overview', sections: ADMIN_SECTIONS };
  }
}
