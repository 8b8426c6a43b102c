// The two annotation registries of ECI image caches (docs/eci-imagecache.md §2 and §5): the annotations on
// an ImageCache object (reuse, network and placement of the cache-building instance) and the pod annotations
// that ask for a cache. One row per key drives parsing, the webhooks and docs/annotations.md.
import { AnnotationRegistry, type RegistryTypes } from "../../../src/annotations/registry";
import {
  boolCodec,
  enumCodec,
  idCodec,
  intCodec,
  listCodec,
  ok,
  bad,
  firstDuplicate,
  patternCodec,
  type Codec,
} from "../../../src/annotations/codec";

export const ECI_ANNOTATION_PREFIX = "k8s.aliyun.com/";

/** Comma list of ids with `prefix` (vsw-, cri-), no repeats. */
function idListCodec(prefix: string, example: string): Codec<string[]> {
  return listCodec<string, string[]>({
    values: `comma list of ids, e.g. ${example}`,
    parseEntry: (e) =>
      new RegExp(`^${prefix}[a-z0-9]{1,64}$`).test(e) ? ok(e) : bad(`must start with ${prefix}`),
    finish: (ids) => {
      const dup = firstDuplicate(ids);
      return dup ? bad(`repeats ${dup}`) : ok(ids);
    },
  });
}

const registryHostCodec = listCodec<string, string[]>({
  values: "comma list of registry hosts (host or host:port)",
  parseEntry: (e) =>
    /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})(:[0-9]{1,5})?$/.test(e) ? ok(e) : bad("is not a host or host:port"),
  finish: (hosts) => ok(hosts),
});

// ---------------------------------------------------------------- ImageCache object

export interface ImageCacheAnnotationConfig {
  enableReuse?: boolean;
  vSwitchIds?: string[];
  securityGroupId?: string;
  resourceGroupId?: string;
  acrInstanceIds?: string[];
  plainHttpRegistries?: string[];
  cpuArch?: "amd64" | "arm64";
  osType?: "linux" | "windows";
}

export interface ImageCacheAnnotationTypes extends RegistryTypes {
  config: ImageCacheAnnotationConfig;
  group: "cache";
  when: never;
  /** The CreateImageCache parameter the row becomes ("" when none is sent). */
  extra: { apiField: string };
  object: unknown;
}

export const IMAGE_CACHE_REGISTRY = new AnnotationRegistry<ImageCacheAnnotationTypes>({
  name: "ImageCache",
  prefixes: { current: ECI_ANNOTATION_PREFIX, legacy: [] },
  rows: [
    {
      field: "enableReuse",
      suffix: "imc-enable-reuse",
      group: "cache",
      meaning: "Build the cache on the layers of existing caches (faster, cheaper).",
      codec: boolCodec(),
      defaultText: "`false`",
      mutability: "mutable",
      apiField: "AutoMatchImageCache",
    },
    {
      field: "vSwitchIds",
      suffix: "vswitch-ids",
      group: "cache",
      meaning: "vSwitch of the instance that pulls the images; the first one is used.",
      codec: idListCodec("vsw-", "vsw-bp1xxx,vsw-bp2xxx"),
      defaultText: "the cloud's (eci-profile) vSwitch",
      mutability: "immutable",
      apiField: "VSwitchId",
    },
    {
      field: "securityGroupId",
      suffix: "security-group-id",
      group: "cache",
      meaning: "Security group of the instance that pulls the images.",
      codec: patternCodec(/^sg-[a-z0-9]{1,64}$/, "sg-…", "a security group id"),
      defaultText: "the cloud's (eci-profile) security group",
      mutability: "immutable",
      apiField: "SecurityGroupId",
    },
    {
      field: "resourceGroupId",
      suffix: "resource-group-id",
      group: "cache",
      meaning: "Resource group of the cache.",
      codec: idCodec("rg-…"),
      defaultText: "the account's default resource group",
      mutability: "immutable",
      apiField: "ResourceGroupId",
    },
    {
      field: "acrInstanceIds",
      suffix: "acr-instance-ids",
      group: "cache",
      meaning: "ACR Enterprise instances to pull from without a password (secret-free pull).",
      codec: idListCodec("cri-", "cri-xxx"),
      defaultText: "none",
      mutability: "immutable",
      apiField: "AcrRegistryInfo.N.InstanceId",
    },
    {
      field: "plainHttpRegistries",
      suffix: "plain-http-registry",
      group: "cache",
      meaning: "Self-built registries reached over plain HTTP.",
      codec: registryHostCodec,
      defaultText: "none (HTTPS)",
      mutability: "immutable",
      apiField: "PlainHttpRegistry",
    },
    {
      field: "cpuArch",
      suffix: "imc-cpu-arch",
      group: "cache",
      meaning: "CPU architecture of the images to cache.",
      codec: enumCodec(["amd64", "arm64"]),
      defaultText: "`amd64`",
      mutability: "immutable",
      apiField: "",
      notes: "Validated; not sent (no CreateImageCache field documented for it in our sources).",
    },
    {
      field: "osType",
      suffix: "imc-os-type",
      group: "cache",
      meaning: "Operating system of the images to cache.",
      codec: enumCodec(["linux", "windows"]),
      defaultText: "`linux`",
      mutability: "immutable",
      apiField: "",
      notes: "Validated; not sent (no CreateImageCache field documented for it in our sources).",
    },
  ],
});

// ---------------------------------------------------------------- pods

export interface PodImageCacheConfig {
  snapshotId?: string;
  autoMatch?: boolean;
  perfectMatch?: boolean;
  matchCountRequest?: number;
}

export interface PodImageCacheAnnotationTypes extends RegistryTypes {
  config: PodImageCacheConfig;
  group: "pod";
  when: never;
  extra: object;
  object: unknown;
}

const NEWER_ECI = "newer ECI name (use-imagecache)";

export const POD_IMAGE_CACHE_REGISTRY = new AnnotationRegistry<PodImageCacheAnnotationTypes>({
  name: "ECI pod image cache",
  prefixes: { current: ECI_ANNOTATION_PREFIX, legacy: [] },
  rows: [
    {
      field: "snapshotId",
      suffix: "eci-image-snapshot-id",
      vendorAliases: [{ key: `${ECI_ANNOTATION_PREFIX}eci-imc-id`, source: NEWER_ECI }],
      group: "pod",
      meaning: "Use this image cache (its `status.imageCacheId`); it must be Ready, or the pod is rejected.",
      codec: patternCodec(/^imc-[a-z0-9]{1,64}$/, "imc-…", "an image cache id"),
      defaultText: "none; with automatic matching the mutating webhook writes the chosen cache here",
      mutability: "mutable",
      notes: "Wins over automatic matching when both are set.",
    },
    {
      field: "autoMatch",
      suffix: "eci-image-cache",
      vendorAliases: [{ key: `${ECI_ANNOTATION_PREFIX}eci-auto-imc`, source: NEWER_ECI }],
      group: "pod",
      meaning: "Pick the best Ready cache automatically (image match, then matched size, then newest).",
      codec: boolCodec(),
      defaultText: "`false` (no cache)",
      mutability: "mutable",
      notes: "No Ready candidate: the pod is created unchanged and pulls its images.",
    },
    {
      field: "perfectMatch",
      suffix: "imc-perfect-match",
      group: "pod",
      meaning: "Automatic matching picks only caches holding every image of the pod.",
      codec: boolCodec(),
      defaultText: "`false`",
      mutability: "mutable",
      notes: "Wins over imc-match-count-request.",
    },
    {
      field: "matchCountRequest",
      suffix: "imc-match-count-request",
      group: "pod",
      meaning: "Automatic matching picks only caches holding at least this many of the pod's images.",
      codec: intCodec(1, 1000),
      defaultText: "1",
      mutability: "mutable",
    },
  ],
});

/** Every key (all spellings) of the pod registry: a pod with none of them takes the cheapest path. */
export const POD_ANNOTATION_KEYS: readonly string[] = POD_IMAGE_CACHE_REGISTRY.rows.flatMap((r) =>
  r.spellings.map((s) => s.key),
);
