{{/*
Helpers of the berth-policies chart. CEL snippets are written once here and included where they are
used, so a policy and the tests that evaluate it always see the same expression.
*/}}

{{/* "<namePrefix>-<policy>": the name of a policy and of its binding. Usage: include "berth-policies.name" (list $ "pod-resources") */}}
{{- define "berth-policies.name" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s-%s" $ctx.Values.namePrefix (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The ConfigMap the image-registries policy reads as its parameter. */}}
{{- define "berth-policies.registriesConfigMap" -}}
{{- include "berth-policies.name" (list . "allowed-registries") -}}
{{- end -}}

{{/* A policy's validationActions (JSON): its own when set, else the chart-wide ones. Usage: (list $ .Values.podResources) */}}
{{- define "berth-policies.validationActions" -}}
{{- $ctx := index . 0 -}}
{{- $own := (index . 1).validationActions -}}
{{- toJson (default $ctx.Values.validationActions $own) -}}
{{- end -}}

{{/*
A ValidatingAdmissionPolicyBinding. Arguments (dict):
  ctx      the root context
  policy   the policy's short name (e.g. "pod-resources")
  values   the policy's values (for validationActions)
  tenants  true: only requests in namespaces labelled berth.dev/tenant (docs/tenancy.md)
  objectSelector  a label selector of the objects themselves (optional)
  paramRef        a paramRef (optional)
*/}}
{{- define "berth-policies.binding" -}}
{{- $ctx := .ctx -}}
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: {{ include "berth-policies.name" (list $ctx .policy) }}
  labels:
    {{- include "berth.labels" (dict "ctx" $ctx "component" .policy) | nindent 4 }}
spec:
  policyName: {{ include "berth-policies.name" (list $ctx .policy) }}
  validationActions: {{ include "berth-policies.validationActions" (list $ctx .values) }}
  {{- with .paramRef }}
  paramRef:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  matchResources:
    {{- if .tenants }}
    namespaceSelector:
      matchExpressions:
        - key: berth.dev/tenant
          operator: Exists
    {{- end }}
    {{- with .objectSelector }}
    objectSelector:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end -}}

{{/*
CEL: true when the requester is the platform (docs/tenancy.md): a member of one of platform.groups, or a
ServiceAccount of one of platform.serviceAccountNamespaces.
*/}}
{{- define "berth-policies.cel.isPlatform" -}}
(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in {{ toJson .Values.platform.groups }})) || {{ toJson .Values.platform.serviceAccountNamespaces }}.exists(ns, request.userInfo.username.startsWith('system:serviceaccount:' + ns + ':'))
{{- end -}}

{{/*
CEL: the PodSpec of a Pod or of a workload's pod template, for the object named by the argument
("object" or "oldObject"). dyn() keeps the type checker from reading every branch against every kind.
*/}}
{{- define "berth-policies.cel.podSpecOf" -}}
({{ . }}.kind == 'Pod' ? dyn({{ . }}).spec : ({{ . }}.kind == 'CronJob' ? dyn({{ . }}).spec.jobTemplate.spec.template.spec : dyn({{ . }}).spec.template.spec))
{{- end -}}

{{/*
resourceRules for Pods and the workloads that carry a pod template. Argument (dict): "ephemeral" true
also matches the pods/ephemeralcontainers subresource (kubectl debug).
*/}}
{{- define "berth-policies.workloadRules" -}}
- apiGroups: [""]
  apiVersions: [v1]
  resources: {{ if .ephemeral }}[pods, pods/ephemeralcontainers]{{ else }}[pods]{{ end }}
  operations: [CREATE, UPDATE]
- apiGroups: [apps]
  apiVersions: [v1]
  resources: [deployments, replicasets, statefulsets, daemonsets]
  operations: [CREATE, UPDATE]
- apiGroups: [batch]
  apiVersions: [v1]
  resources: [jobs, cronjobs]
  operations: [CREATE, UPDATE]
{{- end -}}

{{/*
matchCondition of the workload policies: an UPDATE is checked only when it changes the pod spec, so
objects admitted before the policy existed can still get labels, finalizers removed and be scaled.
*/}}
{{- define "berth-policies.podSpecChanged" -}}
- name: created-or-pod-spec-changed
  expression: >-
    request.operation != 'UPDATE' ||
    {{ include "berth-policies.cel.podSpecOf" "object" }} != {{ include "berth-policies.cel.podSpecOf" "oldObject" }}
{{- end -}}

{{/* CEL variables shared by the workload policies: the pod spec and all its containers. */}}
{{- define "berth-policies.podVariables" -}}
- name: podSpec
  expression: >-
    {{ include "berth-policies.cel.podSpecOf" "object" }}
- name: containers
  expression: >-
    variables.podSpec.containers
    + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])
    + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])
{{- end -}}

{{/*
CEL for a SeldonDeployment graph node `.node` and its descendants down to `.depth` levels in all: every
modelUri is empty or starts with one of `.schemes` (a CEL list). Recursive.
*/}}
{{- define "berth-policies.cel.modelUrisOk" -}}
(!has({{ .node }}.modelUri) || {{ .node }}.modelUri == '' || {{ .schemes }}.exists(s, {{ .node }}.modelUri.startsWith(s)))
{{- if lt (int .level) (int .depth) }} && (!has({{ .node }}.children) || {{ .node }}.children.all(n{{ .level }}, {{ include "berth-policies.cel.modelUrisOk" (dict "node" (printf "n%d" (int .level)) "level" (add .level 1) "depth" .depth "schemes" .schemes) }})){{ end }}
{{- end -}}

{{/* CEL: true when the graph of `.node` has nodes below `.depth` levels (their modelUris would go unchecked). Recursive. */}}
{{- define "berth-policies.cel.graphTooDeep" -}}
{{- if lt (int .level) (int .depth) -}}
(has({{ .node }}.children) && {{ .node }}.children.exists(n{{ .level }}, {{ include "berth-policies.cel.graphTooDeep" (dict "node" (printf "n%d" (int .level)) "level" (add .level 1) "depth" .depth) }}))
{{- else -}}
(has({{ .node }}.children) && size({{ .node }}.children) > 0)
{{- end -}}
{{- end -}}

{{/* CEL: the nvidia.com/gpu count of container `.` (its limit, else its request; 0 without either). */}}
{{- define "berth-policies.cel.containerGpus" -}}
(has({{ . }}.resources) && has({{ . }}.resources.limits) && 'nvidia.com/gpu' in {{ . }}.resources.limits ? int(string({{ . }}.resources.limits['nvidia.com/gpu'])) : (has({{ . }}.resources) && has({{ . }}.resources.requests) && 'nvidia.com/gpu' in {{ . }}.resources.requests ? int(string({{ . }}.resources.requests['nvidia.com/gpu'])) : 0))
{{- end -}}

{{/* CEL: the nvidia.com/gpu count of one replica of predictor `.`: summed over its componentSpecs' containers. */}}
{{- define "berth-policies.cel.predictorGpus" -}}
(!has({{ . }}.componentSpecs) ? 0 : {{ . }}.componentSpecs.map(cs, has(cs.spec) && has(cs.spec.containers) ? cs.spec.containers.map(c, {{ include "berth-policies.cel.containerGpus" "c" }}).sum() : 0).sum())
{{- end -}}
