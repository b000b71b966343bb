{{/* Operator-specific helpers; names, labels, images and security contexts come from berth-common. */}}

{{- define "berth-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "berth.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The namespace reconciled in `namespace` scope. */}}
{{- define "berth-operator.watchNamespace" -}}
{{- default .Release.Namespace .Values.watch.namespace -}}
{{- end -}}

{{- define "berth-operator.webhookServiceName" -}}
{{- include "berth.componentName" (list . "webhook") -}}
{{- end -}}

{{- define "berth-operator.webhookSecretName" -}}
{{- include "berth.componentName" (list . "webhook-cert") -}}
{{- end -}}

{{- define "berth-operator.managerSelectorLabels" -}}
{{- include "berth.selectorLabels" (dict "ctx" . "component" "manager") -}}
{{- end -}}

{{/*
Licence gate. Seldon Core images from 1.18.0 on are under the Business Source License 1.1; they
render only with license.acceptBusinessSourceLicense. Checks the Seldon images the operator runs and
every seldonio/* prepackaged server versioned with Seldon Core (MLServer has its own versions and
licence, so seldonio/mlserver is not checked).
*/}}
{{- define "berth-operator.licenseCheck" -}}
{{- if not .Values.license.acceptBusinessSourceLicense -}}
{{- $checks := list
  (list "image.tag" (.Values.image.tag | default .Chart.AppVersion))
  (list "executor.image.tag" (.Values.executor.image.tag | default .Chart.AppVersion))
  (list "storageInitializer.image.tag" (.Values.storageInitializer.image.tag | default .Chart.AppVersion))
  (list "explainer.image.tag" (.Values.explainer.image.tag | default .Chart.AppVersion)) -}}
{{- range $server, $spec := .Values.predictorServers -}}
{{- range $protocol, $p := $spec.protocols -}}
{{- if and (hasPrefix "seldonio/" $p.image) (ne $p.image "seldonio/mlserver") -}}
{{- $checks = append $checks (list (printf "predictorServers.%s.protocols.%s.defaultImageVersion" $server $protocol) $p.defaultImageVersion) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $checks -}}
{{- $field := index . 0 -}}
{{- $version := toString (index . 1) | trimPrefix "v" -}}
{{- if regexMatch "^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$" $version -}}
{{- if semverCompare ">=1.18.0-0" $version -}}
{{- fail (printf "%s: %s is Seldon Core %s, which is licensed under the Business Source License 1.1, not Apache-2.0 (production use may need a commercial licence from Seldon). Set license.acceptBusinessSourceLicense=true to acknowledge it, or stay on 1.17.1, the last Apache-2.0 release." $field $version $version) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

