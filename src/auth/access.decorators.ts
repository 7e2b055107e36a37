import { SetMetadata } from '@nestjs/common';

/** Every handler states who may call it; the guard refuses handlers that say nothing. */
export type Access = 'public' | 'agent' | 'admin';
export const ACCESS_KEY = 'socialdesk:access';

/** Anyone, logged in or not (login page, health check). */
export const Public = () => SetMetadata(ACCESS_KEY, 'public' satisfies Access);
/** Any logged-in, valid agent. */
export const AgentOnly = () => SetMetadata(ACCESS_KEY, 'agent' satisfies Access);
/** Members of group `admin` with `rw`. */
export const AdminOnly = () => SetMetadata(ACCESS_KEY, 'admin' satisfies Access);
