{{/*
Security contexts that meet the Pod Security "restricted" profile. A chart's values may override
single fields (a deep merge over these defaults); they cannot remove the defaults silently.

Usage:
  securityContext: {{- include "berth.podSecurityContext" .Values.podSecurityContext | nindent 8 }}
  securityContext: {{- include "berth.containerSecurityContext" .Values.securityContext | nindent 12 }}
*/}}

{{- define "berth.podSecurityContext" -}}
{{- $defaults := dict
      "runAsNonRoot" true
      "runAsUser" 65532
      "runAsGroup" 65532
      "fsGroup" 65532
      "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (. | default dict))) -}}
{{- end -}}

{{- define "berth.containerSecurityContext" -}}
{{- $defaults := dict
      "allowPrivilegeEscalation" false
      "privileged" false
      "readOnlyRootFilesystem" true
      "runAsNonRoot" true
      "runAsUser" 65532
      "runAsGroup" 65532
      "capabilities" (dict "drop" (list "ALL"))
      "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (. | default dict))) -}}
{{- end -}}
