import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretsCipher } from '../common/secrets-cipher';
import { SharedKey } from './shared-key.entity';
import { SharedKeysService } from './shared-keys.service';

/** The one SecretsCipher of the app, and the keys all instances share (checked at start). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SharedKey])],
  providers: [SecretsCipher, SharedKeysService],
  exports: [SecretsCipher, SharedKeysService],
})
export class KeysModule {}
