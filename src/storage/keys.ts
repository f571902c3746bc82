/** Object keys are derived from ids only, so every write of the same thing lands on the same key. */
export const RENDITION_EXT = { mp3: 'mp3', opus: 'opus' } as const;
export type RenditionName = keyof typeof RENDITION_EXT;

export const objectKeys = {
  original: (episodeId: string) => `originals/${episodeId}`,
  rendition: (episodeId: string, name: RenditionName) => `renditions/${episodeId}/${name}.${RENDITION_EXT[name]}`,
};
