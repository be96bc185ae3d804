/**
 * Sized images: the image CDN serves width N of an original at `<url>?w=N`.
 * The frontends ask for a named size; width and height are scaled together so
 * the aspect ratio of the original is kept.
 */
import type { DownstreamImage } from '../contract/payloads';

export type ImageSize = 'THUMB' | 'SMALL' | 'MEDIUM' | 'LARGE';

export const IMAGE_WIDTHS: Record<ImageSize, number> = {
  THUMB: 160,
  SMALL: 320,
  MEDIUM: 640,
  LARGE: 1280,
};

export interface SizedImage {
  url: string;
  width: number;
  height: number;
  alt: string;
}

// A cached image payload never changes: its sized variants are built once.
const sized = new WeakMap<DownstreamImage, Partial<Record<ImageSize, SizedImage>>>();

export function sizedImage(image: DownstreamImage, size: ImageSize): SizedImage {
  let variants = sized.get(image);
  if (!variants) sized.set(image, (variants = {}));
  return (variants[size] ??= buildSizedImage(image, size));
}

function buildSizedImage(image: DownstreamImage, size: ImageSize): SizedImage {
  const width = IMAGE_WIDTHS[size];
  const height = image.width > 0 ? Math.round((image.height * width) / image.width) : width;
  const hash = image.url.indexOf('#');
  const base = hash >= 0 ? image.url.slice(0, hash) : image.url;
  const fragment = hash >= 0 ? image.url.slice(hash) : '';
  const separator = base.includes('?') ? '&' : '?';
  return { url: `${base}${separator}w=${width}${fragment}`, width, height, alt: image.alt };
}
