// ECI 2018-08-08 image caches: the typed requests, results and provider interface the controllers use.
// No HTTP, no SDK types (the adapter is src/cloud/alibaba/eci.ts).

import type { Tag } from "./common";

export type EciImageCacheStatus = "Preparing" | "Creating" | "Ready" | "Failed" | "Updating" | "UpdateFailed";

export interface EciImageCacheEvent {
  name: string;
  type: "Normal" | "Warning";
  reason?: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface EciImageCache {
  imageCacheId: string;
  imageCacheName: string;
  status: EciImageCacheStatus;
  progress: string;
  images: string[];
  imageCacheSize: number;
  snapshotId?: string;
  creationTime: string;
  expireDateTime?: string;
  events: EciImageCacheEvent[];
  tags: Tag[];
}

export interface EciRegistryCredential {
  server: string;
  userName: string;
  password: string;
}

export interface EciCreateImageCacheRequest {
  imageCacheName: string;
  images: string[];
  imageCacheSize?: number;
  retentionDays?: number;
  securityGroupId?: string;
  vSwitchId?: string;
  imageRegistryCredentials?: EciRegistryCredential[];
  autoMatchImageCache?: boolean;
  resourceGroupId?: string;
  /** ACR Enterprise instances pulled from without a password. */
  acrInstanceIds?: string[];
  /** Registries reached over plain HTTP. */
  plainHttpRegistries?: string[];
  tags: Tag[];
  clientToken: string;
}

export interface EciProvider {
  createImageCache(req: EciCreateImageCacheRequest): Promise<{ imageCacheId: string }>;
  describeImageCaches(query: {
    imageCacheId?: string;
    imageCacheName?: string;
    tags?: Tag[];
  }): Promise<EciImageCache[]>;
  updateImageCache(
    imageCacheId: string,
    req: Partial<Omit<EciCreateImageCacheRequest, "clientToken" | "imageCacheName">>,
  ): Promise<void>;
  deleteImageCache(imageCacheId: string): Promise<void>;
}
