import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { XModule } from '../channels/x/x.module';
import { Clock } from '../common/clock';
import { QueuesModule } from '../queues/queues.module';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfilePagesService } from './profile-pages.service';
import { ProfileParticipation } from './profile-participation';
import { ProfileReceivingService } from './profile-receiving.service';
import { ProfileWebhook } from './profile-webhook.entity';
import { ProfileWizardController } from './profile-wizard.controller';
import { ProfileWizardService } from './profile-wizard.service';
import { ProfilesController } from './profiles.controller';
import { ProfilesService } from './profiles.service';
import { SignInWithXController } from './sign-in-with-x.controller';
import { SocialMediaProfile } from './social-media-profile.entity';
import { TrackedHashtag } from './tracked-hashtag.entity';

@Module({
  imports: [TypeOrmModule.forFeature([SocialMediaProfile, TrackedHashtag, ProfileWebhook]), QueuesModule, XModule],
  controllers: [ProfilesController, ProfileWizardController, SignInWithXController],
  providers: [ProfilesService, ProfileWizardService, ProfileCredentialsService, ProfilePagesService, ProfileReceivingService, ProfileParticipation, Clock],
  exports: [ProfilesService, ProfileCredentialsService, ProfileReceivingService, ProfileParticipation],
})
export class SocialMediaProfilesModule {}
