import { Controller, Get, Render } from '@nestjs/common';
import { AgentOnly } from '../auth/access.decorators';

@Controller()
export class DashboardController {
  @Get()
  @AgentOnly()
  @Render('pages/dashboard')
  dashboard() {
    return { title: 'dashboard.title' };
  }
}
