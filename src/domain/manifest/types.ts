import type { Priority } from '../airtime/types.js';

/** The station as its manifest names it. */
export interface ManifestStation {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly timezone: string;
}

/** The rendition the station takes for an airing. `url` is a presigned or API link and may change freely. */
export interface ManifestMedia {
  readonly url: string;
  readonly format: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly durationSec: number;
}

export interface ManifestAiringInput {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly priority: Priority;
  readonly media: ManifestMedia;
}

export interface ManifestInput {
  readonly station: ManifestStation;
  /** The live airings to publish (the caller chooses the window, e.g. now … now + 7 days). */
  readonly airings: readonly ManifestAiringInput[];
  readonly generatedAt: Date;
}

/** An airing as published: instants as ISO 8601 with the station's offset, e.g. 2026-12-01T06:00:00+07:00. */
export interface ManifestAiring {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly priority: Priority;
  readonly media: ManifestMedia;
}

export interface ManifestDocument {
  readonly station: ManifestStation;
  readonly version: string;
  readonly generatedAt: string;
  readonly airings: readonly ManifestAiring[];
}

/** What the version is computed from: the schedule itself, without the moment it was rendered or the links. */
export interface ManifestContent {
  readonly station: ManifestStation;
  readonly airings: ReadonlyArray<Omit<ManifestAiring, 'media'> & { readonly media: Omit<ManifestMedia, 'url'> }>;
}
