{{/* berth-gateway helpers; names, labels, images and security contexts come from berth-common. */}}

{{/* Fail early on combinations JSON schema cannot express, naming the values to change. */}}
{{- define "berth-gateway.validate" -}}
{{- if and .Values.gateway.enabled .Values.gatewayAPI.enabled -}}
{{- fail "gateway.enabled and gatewayAPI.enabled are both true: choose the Istio Gateway or the Gateway API Gateway, not both" -}}
{{- end -}}
{{- if not (or .Values.gateway.enabled .Values.gatewayAPI.enabled) -}}
{{- fail "gateway.enabled and gatewayAPI.enabled are both false: enable one, the policies need a gateway to protect" -}}
{{- end -}}
{{- if and .Values.gatewayAPI.enabled (eq .Values.tls.minProtocolVersion "TLSV1_3") -}}
{{- fail "tls.minProtocolVersion: TLSV1_3 cannot be set on a Gateway API Gateway (Istio applies its TLS 1.2 minimum there); use the Istio Gateway (gateway.enabled) for TLS 1.3 only" -}}
{{- end -}}
{{- $issuers := list -}}
{{- $names := list -}}
{{- range $i, $r := .Values.jwt.issuers -}}
{{- if has $r.issuer $issuers -}}
{{- fail (printf "jwt.issuers[%d].issuer: duplicate issuer %q (one entry per issuer)" $i $r.issuer) -}}
{{- end -}}
{{- if has $r.name $names -}}
{{- fail (printf "jwt.issuers[%d].name: duplicate name %q" $i $r.name) -}}
{{- end -}}
{{- $issuers = append $issuers $r.issuer -}}
{{- $names = append $names $r.name -}}
{{- end -}}
{{- if and .Values.rateLimit.enabled (lt (int .Values.rateLimit.maxTokens) (int .Values.rateLimit.tokensPerFill)) -}}
{{- fail "rateLimit.maxTokens must be at least rateLimit.tokensPerFill (the bucket must hold one refill)" -}}
{{- end -}}
{{- end -}}

{{/* The Gateway's pods: where EnvoyFilters apply. Gateway API gateways label their pods with the gateway's name. */}}
{{- define "berth-gateway.workloadLabels" -}}
{{- if .Values.gatewayAPI.enabled -}}
gateway.networking.k8s.io/gateway-name: {{ .Values.gateway.name }}
{{- else -}}
{{- toYaml .Values.gateway.selector -}}
{{- end -}}
{{- end -}}

{{/* How security policies attach to the gateway: a pod selector, or targetRefs for a Gateway API Gateway. */}}
{{- define "berth-gateway.policyTarget" -}}
{{- if .Values.gatewayAPI.enabled -}}
targetRefs:
  - group: gateway.networking.k8s.io
    kind: Gateway
    name: {{ .Values.gateway.name }}
{{- else -}}
selector:
  matchLabels:
    {{- toYaml .Values.gateway.selector | nindent 4 }}
{{- end -}}
{{- end -}}

{{/* Paths reachable without a token: the configured ones, plus oauth2-proxy's own paths when browser login is on. */}}
{{- define "berth-gateway.publicPaths" -}}
{{- $paths := .Values.authorization.publicPaths -}}
{{- if .Values.browserLogin.enabled -}}
{{- $paths = append $paths (printf "%s/*" .Values.browserLogin.proxyPrefix) -}}
{{- end -}}
{{- toJson $paths -}}
{{- end -}}

{{- define "berth-gateway.oauth2ProxyName" -}}
{{- include "berth.componentName" (list . "oauth2-proxy") -}}
{{- end -}}

{{/* Where the TLS Secret lives: the gateway's namespace, or (Gateway API mode) gatewayAPI.certificateNamespace. */}}
{{- define "berth-gateway.certificateNamespace" -}}
{{- if .Values.gatewayAPI.enabled -}}
{{- .Values.gatewayAPI.certificateNamespace | default .Release.Namespace -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* istiod values that register oauth2-proxy as the ext_authz provider the CUSTOM policy names. */}}
{{- define "berth-gateway.istiodValues" -}}
{{- $bl := .Values.browserLogin -}}
meshConfig:
  extensionProviders:
    - name: {{ $bl.providerName }}
      envoyExtAuthzHttp:
        service: {{ include "berth-gateway.oauth2ProxyName" . }}.{{ .Release.Namespace }}.svc.cluster.local
        port: 4180
        includeRequestHeadersInCheck: [cookie, x-forwarded-for]
        headersToUpstreamOnAllow: [authorization, x-auth-request-user, x-auth-request-email, x-auth-request-groups]
        headersToDownstreamOnDeny: [content-type, set-cookie, location]
        headersToDownstreamOnAllow: [set-cookie]
{{- end -}}
