import { Body, Controller, Get, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
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
  async login(@Body() form: LoginDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.auth.authenticate(form.login, form.password, req.ip);
    // A new session id at login, so a session fixed by someone else before login is worth nothing.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
    req.session.userId = user.id;
    req.session.sessionGeneration = user.sessionGeneration;
    req.session.language = user.language;
    await redirectAfterSave(req, res, safeRedirectPath(form.next));
  }

  @Post('logout')
  @AgentOnly()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const language = req.session.language;
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
    req.session.language = language;
    addFlash(req, { type: 'success', key: 'flash.loggedOut' });
    await redirectAfterSave(req, res, '/login');
  }
}
