{{/* berth-tenant helpers; names, labels and the rest come from berth-common. */}}

{{- define "berth-tenant.name" -}}
{{- required "tenant: set the tenant name (a DNS label, e.g. team-fraud)" .Values.tenant -}}
{{- end -}}

{{- define "berth-tenant.namespace" -}}
{{- .Values.namespace | default (include "berth-tenant.name" .) -}}
{{- end -}}

{{/* Labels of every object: the chart's, the tenant's, and the platform-managed marker the guardrails protect. */}}
{{- define "berth-tenant.labels" -}}
{{ include "berth.labels" (dict "ctx" .ctx "component" .component) }}
berth.dev/tenant: {{ include "berth-tenant.name" .ctx }}
berth.dev/managed-by: platform
{{- end -}}

{{/* metadata for a namespaced object of the tenant: name, namespace, labels. */}}
{{- define "berth-tenant.metadata" -}}
metadata:
  name: {{ .name }}
  namespace: {{ include "berth-tenant.namespace" .ctx }}
  labels:
    {{- include "berth-tenant.labels" . | nindent 4 }}
{{- end -}}

{{- define "berth-tenant.validate" -}}
{{- if and (not .Values.gpu.enabled) (gt (int .Values.gpu.count) 0) -}}
{{- fail "gpu.count: set gpu.enabled=true to give the tenant GPUs (or leave gpu.count at 0)" -}}
{{- end -}}
{{- if and .Values.gpu.enabled (not .Values.gpu.pools) -}}
{{- fail "gpu.pools: name at least one GPU node pool the tenant may use when gpu.enabled is true" -}}
{{- end -}}
{{- if and .Values.gpu.enabled (lt (int .Values.gpu.count) (int .Values.gpu.maxPerContainer)) -}}
{{- fail "gpu.maxPerContainer: cannot exceed gpu.count, the tenant's total" -}}
{{- end -}}
{{- if and .Values.storage.externalSecret.enabled (not .Values.storage.externalSecret.storeRef.name) -}}
{{- fail "storage.externalSecret.storeRef.name: name the SecretStore or ClusterSecretStore the ExternalSecrets read from" -}}
{{- end -}}
{{- end -}}
