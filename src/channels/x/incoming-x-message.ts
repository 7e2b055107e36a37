/**
 * A tweet or direct message as the rest of the app sees it, whatever X wire format it came in
 * (Account Activity webhook items or API v2 objects from polling). All ids are strings.
 */
export interface IncomingXUser {
  id: string;
  handle: string;
  name: string;
}

/** A photo, GIF or video attached to a tweet or DM (docs/SEARCH-AND-MEDIA.md). */
export interface IncomingMedia {
  /** X's media key (v2) or media id (Account Activity): unique per medium. */
  key: string;
  type: 'photo' | 'video' | 'animated_gif';
  /** The photo itself, or a video's or GIF's still image. */
  url?: string;
  /** A video's or GIF's MP4 (its highest-bitrate variant). */
  videoUrl?: string;
  altText?: string;
}

export interface IncomingTweet {
  kind: 'tweet';
  id: string;
  text: string;
  author: IncomingXUser;
  /** The tweet this one replies to, if any. */
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  mentionedUserIds: string[];
  /** Without '#', lower-cased. */
  hashtags: string[];
  isRetweet: boolean;
  /** Attached photos, GIFs, videos (absent when none). */
  media?: IncomingMedia[];
}

export interface IncomingDirectMessage {
  kind: 'dm';
  /** The DM event id. */
  id: string;
  text: string;
  sender: IncomingXUser;
  recipientId: string;
  /** The attached photo, GIF or video (X allows one per DM; absent when none). */
  media?: IncomingMedia[];
}

export type IncomingXMessage = IncomingTweet | IncomingDirectMessage;
