import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { formValues, type FormState } from '../common/form-state';
import { VALIDITY_OPTIONS } from '../common/validity-options';
import { QueuesService } from '../queues/queues.service';
import { hashtagRows, profileSummary, stepIndicator } from './profile-view-model';
import { ProfilesService } from './profiles.service';
import type { WizardStep } from './wizard-steps';

/** Where X must call this instance back; shown in step 1 and used by "Sign in with X". */
export const X_CALLBACK_PATH = '/api/v1/external_credentials/twitter/callback';

/** Builds what each wizard page shows: the indicator, the stored or typed values, the step's extras. */
@Injectable()
export class ProfilePagesService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly queues: QueuesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  callbackUrl(): string {
    return `${this.config.baseUrl}${X_CALLBACK_PATH}`;
  }

  async general(id: number, rejected?: FormState) {
    const profile = await this.profiles.get(id);
    return {
      title: 'profiles.general.title',
      nav: 'social-media-profiles',
      profile: profileSummary(profile),
      steps: stepIndicator(profile, 'general'),
      values: formValues({ name: profile.name, description: profile.description, validity: profile.validity }, rejected),
      errors: rejected?.errors ?? {},
      validityOptions: VALIDITY_OPTIONS,
    };
  }

  async step(id: number, step: WizardStep, rejected?: FormState) {
    const profile = await this.profiles.get(id);
    const stored = {
      appName: profile.appName,
      aaaEnvironment: profile.aaaEnvironment,
      consumerKey: profile.consumerKey,
      accessToken: profile.accessToken,
      targetQueueId: profile.targetQueueId ?? '',
      autoReplyEnabled: profile.autoReplyEnabled,
      autoReplyText: profile.autoReplyText,
      mentionsEnabled: profile.mentionsEnabled,
    };
    // Unticked checkboxes send nothing: in a rejected step 6 their absence means "off".
    const typed = rejected && step === 6 ? { ...rejected, values: { autoReplyEnabled: false, mentionsEnabled: false, ...rejected.values } } : rejected;
    return {
      title: `profiles.step${step}.title`,
      nav: 'social-media-profiles',
      step,
      isFirst: false,
      isLast: step === 6,
      profile: profileSummary(profile),
      steps: stepIndicator(profile, step),
      values: formValues(stored, typed),
      errors: rejected?.errors ?? {},
      ...(await this.extras(step, profile, rejected)),
    };
  }

  private async extras(step: WizardStep, profile: Awaited<ReturnType<ProfilesService['get']>>, rejected?: FormState) {
    if (step === 1) {
      return { callbackUrl: this.callbackUrl(), webhookUrl: `${this.config.baseUrl}/webhooks/x/${profile.id}` };
    }
    if (step === 6) {
      const queueOptions = (await this.queues.listValid()).map((q) => ({ value: q.id, name: q.name }));
      return { queueOptions, hashtags: hashtagRows(profile, rejected) };
    }
    return {};
  }
}
