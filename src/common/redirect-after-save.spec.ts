import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { lastValueFrom, of } from 'rxjs';
import type { FlashMessage } from './flash';
import { RedirectAfterSaveInterceptor } from './redirect-after-save';

/** A session that records when it was saved and what it held at that moment. */
function fakeRequest() {
  const events: string[] = [];
  const session = {
    flash: undefined as FlashMessage[] | undefined,
    save(callback: (err?: unknown) => void) {
      events.push(`saved with ${JSON.stringify(session.flash?.map((m) => m.key) ?? [])}`);
      setImmediate(() => callback());
    },
  };
  return { req: { session } as unknown as Request, events };
}

function contextOf(req: Request): ExecutionContext {
  class SomeController {}
  return {
    switchToHttp: () => ({ getRequest: () => req }),
    getClass: () => SomeController,
    getHandler: () => function someHandler() {},
  } as unknown as ExecutionContext;
}

const handlerReturning = (value: unknown): CallHandler => ({ handle: () => of(value) });

describe('RedirectAfterSaveInterceptor', () => {
  const interceptor = new RedirectAfterSaveInterceptor();

  it('adds the flash messages in order and stores the session before it hands over the 303', async () => {
    const { req, events } = fakeRequest();
    const flash: FlashMessage[] = [
      { type: 'success', key: 'a' },
      { type: 'info', key: 'b' },
    ];
    const result = await lastValueFrom(interceptor.intercept(contextOf(req), handlerReturning({ redirect: '/next', flash })));
    events.push('redirect');
    expect(result).toEqual({ url: '/next', statusCode: 303 });
    expect(events).toEqual(['saved with ["a","b"]', 'redirect']);
  });

  it('keeps messages added earlier in the request and takes a single message too', async () => {
    const { req } = fakeRequest();
    req.session.flash = [{ type: 'error', key: 'earlier' }];
    await lastValueFrom(interceptor.intercept(contextOf(req), handlerReturning({ redirect: '/x', flash: { type: 'success', key: 'now' } })));
    expect(req.session.flash.map((m) => m.key)).toEqual(['earlier', 'now']);
  });

  it('saves the session even without a message (the handler may have changed it)', async () => {
    const { req, events } = fakeRequest();
    await lastValueFrom(interceptor.intercept(contextOf(req), handlerReturning({ redirect: '/x' })));
    expect(events).toEqual(['saved with []']);
  });

  it.each([undefined, {}, { redirect: '' }, { url: '/x' }, '/x'])('refuses a handler that returned %j instead of { redirect }', async (value) => {
    const { req, events } = fakeRequest();
    await expect(lastValueFrom(interceptor.intercept(contextOf(req), handlerReturning(value)))).rejects.toThrow('SomeController.someHandler must return { redirect, flash? }');
    expect(events).toEqual([]);
  });

  it('passes a failed save on instead of redirecting without the message', async () => {
    const req = { session: { save: (callback: (err?: unknown) => void) => callback(new Error('store down')) } } as unknown as Request;
    await expect(lastValueFrom(interceptor.intercept(contextOf(req), handlerReturning({ redirect: '/x' })))).rejects.toThrow('store down');
  });
});

describe('controllers end in a redirect one way only', () => {
  it('no controller adds flash messages, saves the session or redirects by hand', () => {
    const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.controller.ts'))
      .map((file) => `src/${file.split('\\').join('/')}`);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => /\baddFlash\(|\bredirectAfterSave\(|\.redirect\(|session\.save\(/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
