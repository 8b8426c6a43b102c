{{/* Names, labels, the environment of both processes, and the webhook certificate (minted once per render). */}}

{{- define "ao.fullname" -}}
{{- if contains "alicloud-operator" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-alicloud-operator" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ao.labels" -}}
app.kubernetes.io/name: alicloud-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ao.selector" -}}
app.kubernetes.io/name: alicloud-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ao.credentialsSecret" -}}
{{- if .Values.cloud.credentials.existingSecret -}}
{{- .Values.cloud.credentials.existingSecret -}}
{{- else if .Values.cloud.credentials.accessKeyId -}}
{{- printf "%s-credentials" (include "ao.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Settings both processes read (admission enforces the same policy the controllers do). No credentials. */}}
{{- define "ao.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: PEPR_PRETTY_LOG
  value: "false"
- name: ALIBABA_CLOUD_REGION_ID
  value: {{ .Values.cloud.region | quote }}
{{- with .Values.clusterId }}
- name: CLUSTER_ID
  value: {{ . | quote }}
{{- end }}
{{- with .Values.cloud.vpcId }}
- name: ALIBABA_CLOUD_VPC_ID
  value: {{ . | quote }}
{{- end }}
{{- with .Values.cloud.vSwitchIds }}
- name: ALIBABA_CLOUD_VSWITCH_IDS
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.cloud.resourceGroupId }}
- name: ALIBABA_CLOUD_RESOURCE_GROUP_ID
  value: {{ . | quote }}
{{- end }}
- name: OPERATOR_DEFAULT_BACKEND_TYPE
  value: {{ .Values.loadBalancer.defaultBackendType | quote }}
- name: OPERATOR_FORBID_PUBLIC_LB
  value: {{ .Values.loadBalancer.forbidPublic | quote }}
{{- with .Values.loadBalancer.reuse.allowedNamespaces }}
- name: OPERATOR_REUSE_ALLOWED_NAMESPACES
  value: {{ join "," . | quote }}
{{- end }}
- name: OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG
  value: {{ .Values.loadBalancer.reuse.requireNamespaceTag | quote }}
{{- end -}}

{{/*
The webhook PKI as JSON: {caBundle, cert, key, apiPath, servingNotAfter, caNotAfter, caCert, caKey}, computed
once per render (kept in .Values so every template sees the same one). A CA and serving certificate already
in the cluster are kept until they expire within certRenewBeforeDays (caValidityDays/10 for the CA); a new
serving certificate is signed by the same CA, so the caBundle does not change and no request is refused while
pods roll. A renewed CA is added to the bundle next to the old one. `helm template` (no cluster) mints new ones.
*/}}
{{- define "ao.webhookPki" -}}
{{- if not (hasKey .Values "__webhookPki") -}}
{{- $fullname := include "ao.fullname" . -}}
{{- $svc := printf "%s-admission" $fullname -}}
{{- $dns := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) -}}
{{- $now := now | unixEpoch | atoi -}}
{{- $day := 86400 -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (printf "%s-webhook-tls" $fullname) -}}
{{- $old := dict -}}
{{- if and $existing (hasKey $existing "data") -}}
{{- $old = dict "data" $existing.data "ann" ($existing.metadata.annotations | default dict) -}}
{{- end -}}
{{- $ann := $old.ann | default dict -}}
{{- $data := $old.data | default dict -}}
{{- $pki := dict -}}
{{- $caRenewAt := add $now (mul (div (int .Values.webhook.caValidityDays) 10) $day) -}}
{{- $keepCa := and (hasKey $data "ca.crt") (hasKey $data "ca.key") (gt (atoi (get $ann "alicloud-operator.io/ca-not-after" | default "0")) $caRenewAt) -}}
{{- $ca := dict -}}
{{- if $keepCa -}}
{{- $ca = buildCustomCert (get $data "ca.crt") (get $data "ca.key") -}}
{{- $_ := set $pki "caNotAfter" (atoi (get $ann "alicloud-operator.io/ca-not-after")) -}}
{{- $_ := set $pki "caBundle" (get $data "ca-bundle.crt" | default (get $data "ca.crt") | b64dec) -}}
{{- else -}}
{{- $ca = genCA "alicloud-operator-webhook-ca" (int .Values.webhook.caValidityDays) -}}
{{- $_ := set $pki "caNotAfter" (add $now (mul (int .Values.webhook.caValidityDays) $day)) -}}
{{- $bundle := $ca.Cert -}}
{{- if hasKey $data "ca.crt" -}}
{{- $bundle = printf "%s%s" $ca.Cert (get $data "ca.crt" | b64dec) -}}
{{- end -}}
{{- $_ := set $pki "caBundle" $bundle -}}
{{- end -}}
{{- $_ := set $pki "caCert" $ca.Cert -}}
{{- $_ := set $pki "caKey" $ca.Key -}}
{{- $renewAt := add $now (mul (int .Values.webhook.certRenewBeforeDays) $day) -}}
{{- $sameNames := eq (get $ann "alicloud-operator.io/serving-names" | default "") (join "," $dns) -}}
{{- $keepServing := and $keepCa $sameNames (hasKey $data "tls.crt") (hasKey $data "tls.key") (gt (atoi (get $ann "alicloud-operator.io/serving-not-after" | default "0")) $renewAt) -}}
{{- if $keepServing -}}
{{- $_ := set $pki "cert" (get $data "tls.crt" | b64dec) -}}
{{- $_ := set $pki "key" (get $data "tls.key" | b64dec) -}}
{{- $_ := set $pki "servingNotAfter" (atoi (get $ann "alicloud-operator.io/serving-not-after")) -}}
{{- else -}}
{{- $serving := genSignedCert (printf "%s.%s.svc" $svc .Release.Namespace) nil $dns (int .Values.webhook.certValidityDays) $ca -}}
{{- $_ := set $pki "cert" $serving.Cert -}}
{{- $_ := set $pki "key" $serving.Key -}}
{{- $_ := set $pki "servingNotAfter" (add $now (mul (int .Values.webhook.certValidityDays) $day)) -}}
{{- end -}}
{{- $_ := set $pki "servingNames" (join "," $dns) -}}
{{- $_ := set $pki "apiPath" (get $data "api-path" | default "" | b64dec | default (randAlphaNum 48 | lower)) -}}
{{- $_ := set .Values "__webhookPki" $pki -}}
{{- end -}}
{{- toJson (get .Values "__webhookPki") -}}
{{- end -}}
