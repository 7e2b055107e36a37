import { Body, Controller, Get, Post, Query, Render, Req } from '@nestjs/common';
import type { Request } from 'express';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { AgentOnly, Public } from './access.decorators';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { safeRedirectPath } from './safe-redirect';

@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('login')
  @Public()
  @Render('pages/auth/login')
  loginPage(@Query('next') next: string | undefined, @RejectedForm() rejected?: FormState) {
    return { title: 'login.title', layout: 'bare', values: formValues({ login: '', next: safeRedirectPath(next) }, rejected), errors: rejected?.errors ?? {} };
  }

  @Post('login')
  @Public()
  @RedirectAfterSave()
  async login(@Body() form: LoginDto, @Req() req: Request): Promise<AfterSave> {
    const user = await this.auth.authenticate(form.login, form.password, req.ip);
    // A new session id at login, so a session fixed by someone else before login is worth nothing.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
    req.session.userId = user.id;
    req.session.sessionGeneration = user.sessionGeneration;
    req.session.language = user.language;
    return { redirect: safeRedirectPath(form.next) };
  }

  @Post('logout')
  @AgentOnly()
  @RedirectAfterSave()
  async logout(@Req() req: Request): Promise<AfterSave> {
    const language = req.session.language;
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
    req.session.language = language;
    return { redirect: '/login', flash: { type: 'success', key: 'flash.loggedOut' } };
  }
}
