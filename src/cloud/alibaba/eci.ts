// ECI (2018-08-08) image caches over the generic openapi-core `callApi`.

import type {
  EciCreateImageCacheRequest,
  EciImageCache,
  EciImageCacheEvent,
  EciProvider,
  EciRegistryCredential,
  Tag,
} from "../types";
import type { Transport } from "./transport";
import {
  allPages,
  list,
  num,
  oneOf,
  reqStr,
  str,
  strList,
  tagsFromWire,
  type WireObject,
  type WireParams,
} from "./wire";

type ImageCacheFields = Partial<Omit<EciCreateImageCacheRequest, "clientToken" | "imageCacheName">>;

function fieldsToWire(req: ImageCacheFields): WireParams {
  return {
    Image: req.images,
    ImageCacheSize: req.imageCacheSize,
    RetentionDays: req.retentionDays,
    SecurityGroupId: req.securityGroupId,
    VSwitchId: req.vSwitchId,
    ImageRegistryCredential: req.imageRegistryCredentials?.map((c) => ({
      Server: c.server,
      UserName: c.userName,
      Password: c.password,
    })),
    AutoMatchImageCache: req.autoMatchImageCache,
    ResourceGroupId: req.resourceGroupId,
    AcrRegistryInfo: req.acrInstanceIds?.map((id) => ({ InstanceId: id })),
    PlainHttpRegistry: req.plainHttpRegistries?.join(","),
    Tag: req.tags?.map((t: Tag) => ({ Key: t.key, Value: t.value })),
  };
}

/** Registry passwords travel in the query: keep them out of any error text. */
function passwordsOf(creds: readonly EciRegistryCredential[] | undefined): string[] {
  return (creds ?? []).map((c) => c.password);
}

function eventFromWire(e: WireObject): EciImageCacheEvent {
  return {
    name: reqStr(e, "Name"),
    type: oneOf(str(e, "Type"), ["Normal", "Warning"] as const, "Normal"),
    reason: str(e, "Reason"),
    message: reqStr(e, "Message"),
    count: num(e, "Count") ?? 1,
    firstTimestamp: reqStr(e, "FirstTimestamp"),
    lastTimestamp: reqStr(e, "LastTimestamp"),
  };
}

export function imageCacheFromWire(c: WireObject): EciImageCache {
  return {
    imageCacheId: reqStr(c, "ImageCacheId"),
    imageCacheName: str(c, "ImageCacheName") ?? reqStr(c, "Name"),
    status: oneOf(
      str(c, "Status"),
      ["Preparing", "Creating", "Ready", "Failed", "Updating", "UpdateFailed"] as const,
      "Preparing",
    ),
    progress: reqStr(c, "Progress", "0%"),
    images: strList(c, "Images"),
    imageCacheSize: num(c, "ImageCacheSize") ?? 0,
    snapshotId: str(c, "SnapshotId"),
    creationTime: reqStr(c, "CreationTime"),
    expireDateTime: str(c, "ExpireDateTime"),
    events: list(c, "Events").map(eventFromWire),
    tags: tagsFromWire(c),
  };
}

export class AlibabaEciProvider implements EciProvider {
  constructor(private readonly t: Transport) {}

  async createImageCache(req: EciCreateImageCacheRequest): Promise<{ imageCacheId: string }> {
    const body = await this.t.rpc(
      "eci",
      "CreateImageCache",
      { ClientToken: req.clientToken, ImageCacheName: req.imageCacheName, ...fieldsToWire(req) },
      { extraSecrets: passwordsOf(req.imageRegistryCredentials) },
    );
    return { imageCacheId: reqStr(body, "ImageCacheId") };
  }

  async describeImageCaches(query: {
    imageCacheId?: string;
    imageCacheName?: string;
    tags?: Tag[];
  }): Promise<EciImageCache[]> {
    return allPages(async (nextToken) => {
      const body = await this.t.rpc("eci", "DescribeImageCaches", {
        ImageCacheId: query.imageCacheId,
        ImageCacheName: query.imageCacheName,
        Tag: query.tags?.map((t) => ({ Key: t.key, Value: t.value })),
        Limit: this.t.pageSize,
        NextToken: nextToken,
      });
      return { items: list(body, "ImageCaches").map(imageCacheFromWire), nextToken: str(body, "NextToken") };
    });
  }

  async updateImageCache(imageCacheId: string, req: ImageCacheFields): Promise<void> {
    await this.t.rpc(
      "eci",
      "UpdateImageCache",
      { ImageCacheId: imageCacheId, ...fieldsToWire(req) },
      { extraSecrets: passwordsOf(req.imageRegistryCredentials) },
    );
  }

  async deleteImageCache(imageCacheId: string): Promise<void> {
    await this.t.rpc(
      "eci",
      "DeleteImageCache",
      { ImageCacheId: imageCacheId },
      { alreadyDone: { kinds: ["NotFound"], result: () => ({}) } },
    );
  }
}
