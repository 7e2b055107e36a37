import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { HttpSession } from './http-session.entity';
import { TypeormSessionStore } from './typeorm-session.store';

/**
 * The one session store of the app: `configureApp` hands it to express-session, and the users module
 * ends an agent's sessions through it; nobody else touches `http_sessions`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([HttpSession])],
  providers: [{ provide: TypeormSessionStore, inject: [getRepositoryToken(HttpSession)], useFactory: (sessions: Repository<HttpSession>) => new TypeormSessionStore(sessions) }],
  exports: [TypeormSessionStore],
})
export class SessionStoreModule {}
