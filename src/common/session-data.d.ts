import 'express-session';
import type { Language } from '../i18n/languages';
import type { FlashMessage } from './flash';
import type { FormState } from './form-state';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** The agent's session generation at login; a password change or reset moves it on (src/users/agent-sessions.service.ts). */
    sessionGeneration?: number;
    language?: Language;
    flash?: FlashMessage[];
    /** A rejected form's typed values and errors, keyed by the form's path (post-redirect-get). */
    forms?: Record<string, FormState>;
  }
}
