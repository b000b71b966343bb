{{/*
Labels, following the app.kubernetes.io recommendations. Selector labels never change after the
first install (Deployment selectors are immutable), so they hold only name, instance and component.

Usage:
  labels:          {{- include "berth.labels" (dict "ctx" $ "component" "manager") | nindent 4 }}
  matchLabels:     {{- include "berth.selectorLabels" (dict "ctx" $ "component" "manager") | nindent 6 }}
"component" is optional. Charts may set .Values.commonLabels (a map) to add labels to every object.
*/}}

{{- define "berth.selectorLabels" -}}
{{- $ctx := .ctx -}}
app.kubernetes.io/name: {{ include "berth.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name | trunc 63 | trimSuffix "-" }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "berth.labels" -}}
{{- $ctx := .ctx -}}
{{ include "berth.selectorLabels" . }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | default $ctx.Chart.Version | replace "+" "_" | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/part-of: berth
helm.sh/chart: {{ include "berth.chart" $ctx }}
{{- with $ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
