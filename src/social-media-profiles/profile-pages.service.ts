import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withUnticked } from '../common/dto/checkbox-field';
import { formValues, type FormState } from '../common/form-state';
import { listView, type ListQuery } from '../common/list-query';
import { VALIDITY_OPTIONS } from '../common/validity-options';
import { QueuesService } from '../queues/queues.service';
import { ChannelHealthReader } from './channel-health';
import { ProfileReceivingService, receivesByWebhook } from './profile-receiving.service';
import { hashtagRows, profileSummary, stepIndicator } from './profile-view-model';
import { ProfilesService } from './profiles.service';
import { RECEIVING_MODES, type SocialMediaProfile } from './social-media-profile.entity';
import { LAST_STEP, pageDefinition, type WizardStep } from './wizard-steps';

/** Where X must call this instance back; shown in step 1 and used by "Sign in with X". */
export const X_CALLBACK_PATH = '/api/v1/external_credentials/twitter/callback';

/** Builds what each wizard page shows: the indicator, the stored or typed values, the step's extras. */
@Injectable()
export class ProfilePagesService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly queues: QueuesService,
    private readonly receiving: ProfileReceivingService,
    private readonly health: ChannelHealthReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  callbackUrl(): string {
    return `${this.config.baseUrl}${X_CALLBACK_PATH}`;
  }

  /** One page of the profile list (filtered in SQL), each profile with its channel health. */
  async list(query: ListQuery) {
    const page = await this.profiles.listPage(query);
    return { title: 'profiles.title', nav: 'social-media-profiles', ...listView('/admin/social-media-profiles', query, { ...page, rows: await this.health.withHealth(page.rows) }) };
  }

  /** The profile page: the General box, and how the profile receives (webhook, polling) with its health. */
  async general(id: number, rejected?: FormState) {
    const profile = await this.profiles.get(id);
    const [health] = await this.health.forProfiles([profile.id]);
    return {
      title: 'profiles.general.title',
      nav: 'social-media-profiles',
      profile: profileSummary(profile),
      steps: stepIndicator(profile, 'general'),
      enterAction: pageDefinition('general').enterAction,
      values: formValues({ name: profile.name, description: profile.description, validity: profile.validity }, rejected),
      errors: rejected?.errors ?? {},
      validityOptions: VALIDITY_OPTIONS,
      health,
      receivesByWebhook: receivesByWebhook(profile),
    };
  }

  async step(id: number, step: WizardStep, rejected?: FormState) {
    const profile = await this.profiles.get(id);
    const definition = pageDefinition(step);
    const stored = {
      appName: profile.appName,
      aaaEnvironment: profile.aaaEnvironment,
      consumerKey: profile.consumerKey,
      accessToken: profile.accessToken,
      targetQueueId: profile.targetQueueId ?? '',
      autoReplyEnabled: profile.autoReplyEnabled,
      autoReplyText: profile.autoReplyText,
      mentionsEnabled: profile.mentionsEnabled,
      receivingMode: profile.receivingMode,
    };
    const typed = withUnticked(definition.dto, rejected);
    return {
      template: definition.template,
      title: definition.title,
      nav: 'social-media-profiles',
      step,
      isFirst: false,
      isLast: step === LAST_STEP,
      enterAction: definition.enterAction,
      profile: profileSummary(profile),
      steps: stepIndicator(profile, step),
      values: formValues(stored, typed),
      errors: rejected?.errors ?? {},
      ...(await this.extras(step, profile, rejected)),
    };
  }

  private async extras(step: WizardStep, profile: SocialMediaProfile, rejected?: FormState) {
    if (step === 1) {
      return {
        callbackUrl: this.callbackUrl(),
        webhookUrl: this.receiving.webhookUrl(profile.id),
        baseUrl: this.config.baseUrl,
        baseUrlWarnings: this.receiving.baseUrlWarnings(),
      };
    }
    if (step === 6) {
      const queueOptions = (await this.queues.listValid()).map((q) => ({ value: q.id, name: q.name }));
      return {
        queueOptions,
        hashtags: hashtagRows(profile, rejected),
        receivingModes: RECEIVING_MODES.map((mode) => ({ value: mode, label: `receiving.mode.${mode}`, hint: `receiving.modeHint.${mode}` })),
        webhookUrl: this.receiving.webhookUrl(profile.id),
      };
    }
    return {};
  }
}
