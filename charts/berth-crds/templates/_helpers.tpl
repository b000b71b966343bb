{{/* helm.sh/resource-policy: keep (when .Values.keep) merged over .Values.annotations. */}}
{{- define "berth-crds.annotations" -}}
{{- $all := deepCopy (.Values.annotations | default dict) -}}
{{- if .Values.keep -}}
{{- $_ := set $all "helm.sh/resource-policy" "keep" -}}
{{- end -}}
{{- with $all -}}
{{- toYaml . -}}
{{- end -}}
{{- end -}}
