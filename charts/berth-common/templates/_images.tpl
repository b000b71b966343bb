{{/*
An image reference from {registry, repository, tag, digest}. A digest wins over a tag (pin by
digest for immutable deployments); the tag defaults to the chart's appVersion.

Usage: image: {{ include "berth.image" (dict "image" .Values.image "ctx" $) }}
*/}}
{{- define "berth.image" -}}
{{- $img := .image -}}
{{- $repo := $img.repository -}}
{{- if $img.registry -}}
{{- $repo = printf "%s/%s" $img.registry $img.repository -}}
{{- end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString ($img.tag | default .ctx.Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{/*
imagePullSecrets from a list of Secret names. Renders nothing for an empty list.
Usage: {{- include "berth.imagePullSecrets" .Values.imagePullSecrets | nindent 2 }}
*/}}
{{- define "berth.imagePullSecrets" -}}
{{- if . }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
