{{/*
openAPIV3Schema of SeldonDeployment, shared by every served version.

It mirrors the field names, types and `required` lists of Seldon Core 1.17's Go types
(operator/apis/machinelearning.seldon.io/v1/seldondeployment_types.go). Upstream declares no
enums, so none are declared here either: the operator's admission webhook checks values.
Embedded Kubernetes types (PodSpec, Container, ResourceRequirements, HPA metrics, KEDA
triggers) are typed `object` with x-kubernetes-preserve-unknown-fields instead of being
inlined; that is what keeps the CRD two orders of magnitude smaller than upstream's.
*/}}

{{- define "berth-crds.schema" -}}
type: object
description: SeldonDeployment describes an inference graph and the pods that serve it.
properties:
  apiVersion: {type: string}
  kind: {type: string}
  metadata: {type: object}
  spec:
    {{- include "berth-crds.schema.spec" . | nindent 4 }}
  status:
    {{- include "berth-crds.schema.status" . | nindent 4 }}
{{- end -}}

{{- define "berth-crds.schema.spec" -}}
type: object
required: [predictors]
properties:
  name:
    type: string
    description: Deprecated upstream; the deployment name.
  predictors:
    type: array
    items:
      {{- include "berth-crds.schema.predictor" . | nindent 6 }}
  oauth_key: {type: string}
  oauth_secret: {type: string}
  annotations: {type: object, additionalProperties: {type: string}}
  protocol:
    type: string
    description: "Prediction protocol: seldon (default), tensorflow, kfserving or v2."
  transport:
    type: string
    description: "rest or grpc."
  replicas: {type: integer, format: int32}
  serverType:
    type: string
    description: "rpc (default) or kafka."
{{- end -}}

{{- define "berth-crds.schema.predictor" -}}
type: object
required: [graph, name]
properties:
  name: {type: string}
  graph:
    {{- include "berth-crds.schema.graphNode" (dict "depth" 10 "top" true) | nindent 4 }}
  componentSpecs:
    type: array
    items:
      type: object
      properties:
        metadata: {type: object, x-kubernetes-preserve-unknown-fields: true}
        spec:
          type: object
          description: A core/v1 PodSpec, passed through unpruned.
          required: [containers]
          x-kubernetes-preserve-unknown-fields: true
          properties:
            containers:
              type: array
              items: {type: object, x-kubernetes-preserve-unknown-fields: true}
        hpaSpec:
          type: object
          required: [maxReplicas]
          properties:
            minReplicas: {type: integer, format: int32}
            maxReplicas: {type: integer, format: int32}
            metrics:
              type: array
              description: autoscaling/v2beta1 MetricSpec list.
              items: {type: object, x-kubernetes-preserve-unknown-fields: true}
            metricsv2:
              type: array
              description: autoscaling/v2 MetricSpec list.
              items: {type: object, x-kubernetes-preserve-unknown-fields: true}
        kedaSpec:
          type: object
          required: [triggers]
          properties:
            pollingInterval: {type: integer, format: int32}
            cooldownPeriod: {type: integer, format: int32}
            minReplicaCount: {type: integer, format: int32}
            maxReplicaCount: {type: integer, format: int32}
            advanced: {type: object, x-kubernetes-preserve-unknown-fields: true}
            triggers:
              type: array
              items:
                type: object
                required: [metadata, type]
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  type: {type: string}
                  name: {type: string}
                  metadata: {type: object, additionalProperties: {type: string}}
        pdbSpec:
          type: object
          properties:
            minAvailable: {x-kubernetes-int-or-string: true}
            maxUnavailable: {x-kubernetes-int-or-string: true}
        replicas: {type: integer, format: int32}
  replicas: {type: integer, format: int32}
  annotations: {type: object, additionalProperties: {type: string}}
  labels: {type: object, additionalProperties: {type: string}}
  engineResources:
    {{- include "berth-crds.schema.resources" . | nindent 4 }}
  svcOrchSpec:
    type: object
    properties:
      resources:
        {{- include "berth-crds.schema.resources" . | nindent 8 }}
      env:
        type: array
        items:
          type: object
          required: [name]
          x-kubernetes-preserve-unknown-fields: true
          properties:
            name: {type: string}
            value: {type: string}
      replicas: {type: integer, format: int32}
  traffic: {type: integer, format: int32}
  explainer:
    type: object
    properties:
      type:
        type: string
        description: "Alibi explainer: AnchorTabular, AnchorImages, AnchorText, Counterfactuals, Contrastive, KernelShap, IntegratedGradients, ALE or TreeShap."
      modelUri: {type: string}
      serviceAccountName: {type: string}
      containerSpec:
        type: object
        description: A core/v1 Container, passed through unpruned.
        x-kubernetes-preserve-unknown-fields: true
      config: {type: object, additionalProperties: {type: string}}
      endpoint:
        {{- include "berth-crds.schema.endpoint" (dict "top" true) | nindent 8 }}
      envSecretRefName: {type: string}
      storageInitializerImage: {type: string}
      replicas: {type: integer, format: int32}
      initParameters: {type: string}
  shadow: {type: boolean}
  ssl:
    type: object
    properties:
      certSecretName: {type: string}
  progressDeadlineSeconds: {type: integer, format: int32}
{{- end -}}

{{/*
One node of the inference graph. Schemas cannot refer to themselves, so `children` is unrolled
`depth` more levels (upstream unrolls 10); below the last typed level children are kept as given.
Call with (dict "depth" N "top" true); descriptions are written on the top node only, to save bytes.
*/}}
{{- define "berth-crds.schema.graphNode" -}}
type: object
required: [name]
properties:
  name: {type: string}
  type:
    type: string
    {{- if .top }}
    description: "MODEL, ROUTER, COMBINER, TRANSFORMER, OUTPUT_TRANSFORMER or UNKNOWN_TYPE."
    {{- end }}
  implementation:
    type: string
    {{- if .top }}
    description: "A prepackaged server (SKLEARN_SERVER, XGBOOST_SERVER, TENSORFLOW_SERVER, MLFLOW_SERVER, TRITON_SERVER, HUGGINGFACE_SERVER, TEMPO_SERVER or one from seldon-config) or a built-in unit (RANDOM_ABTEST, AVERAGE_COMBINER, SIMPLE_MODEL, SIMPLE_ROUTER)."
    {{- end }}
  methods:
    type: array
    items: {type: string}
  endpoint:
    {{- include "berth-crds.schema.endpoint" (dict "top" .top) | nindent 4 }}
  parameters:
    type: array
    items:
      type: object
      required: [name, type, value]
      properties:
        name: {type: string}
        value: {type: string}
        type:
          type: string
          {{- if .top }}
          description: "INT, FLOAT, DOUBLE, STRING or BOOL."
          {{- end }}
  modelUri: {type: string}
  serviceAccountName: {type: string}
  envSecretRefName: {type: string}
  storageInitializerImage: {type: string}
  logger:
    type: object
    properties:
      url: {type: string}
      mode:
        type: string
        {{- if .top }}
        description: "all, request or response."
        {{- end }}
  children:
    type: array
    items:
{{- if gt (int .depth) 0 }}
      {{- include "berth-crds.schema.graphNode" (dict "depth" (sub (int .depth) 1) "top" false) | nindent 6 }}
{{- else }}
      type: object
      x-kubernetes-preserve-unknown-fields: true
{{- end }}
{{- end -}}

{{- define "berth-crds.schema.endpoint" -}}
type: object
properties:
  service_host: {type: string}
  service_port: {type: integer, format: int32}
  type:
    type: string
    {{- if .top }}
    description: "REST or GRPC."
    {{- end }}
  httpPort: {type: integer, format: int32}
  grpcPort: {type: integer, format: int32}
{{- end -}}

{{/* core/v1 ResourceRequirements: quantities are int-or-string; claims and later fields kept. */}}
{{- define "berth-crds.schema.resources" -}}
type: object
x-kubernetes-preserve-unknown-fields: true
properties:
  limits: {type: object, additionalProperties: {x-kubernetes-int-or-string: true}}
  requests: {type: object, additionalProperties: {x-kubernetes-int-or-string: true}}
{{- end -}}

{{- define "berth-crds.schema.status" -}}
type: object
description: Written by the operator.
x-kubernetes-preserve-unknown-fields: true
properties:
  state: {type: string}
  description: {type: string}
  replicas: {type: integer, format: int32}
  observedGeneration: {type: integer, format: int64}
  address:
    type: object
    properties:
      url: {type: string}
  annotations: {type: object, additionalProperties: {type: string}}
  conditions:
    type: array
    items: {type: object, x-kubernetes-preserve-unknown-fields: true}
  deploymentStatus:
    type: object
    additionalProperties: {type: object, x-kubernetes-preserve-unknown-fields: true}
  serviceStatus:
    type: object
    additionalProperties: {type: object, x-kubernetes-preserve-unknown-fields: true}
{{- end -}}
