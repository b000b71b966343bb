{{/*
Names. Kubernetes names are DNS-1123 labels: at most 63 characters, so every name is truncated.
*/}}

{{/* The chart's name, or .Values.nameOverride. */}}
{{- define "berth.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release-qualified name: .Values.fullnameOverride, else the release name when it already
contains the chart name (so `helm install berth-operator charts/berth-operator` gives
"berth-operator", not "berth-operator-berth-operator"), else "<release>-<chart>".
*/}}
{{- define "berth.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "berth.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<suffix>", truncated to 63. Usage: include "berth.componentName" (list $ "webhook") */}}
{{- define "berth.componentName" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s-%s" (include "berth.fullname" $ctx | trunc (int (sub 62 (len (index . 1))))) (index . 1) | trimSuffix "-" -}}
{{- end -}}

{{/* "<chart>-<version>" for the helm.sh/chart label ("+" is not allowed in label values). */}}
{{- define "berth.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
