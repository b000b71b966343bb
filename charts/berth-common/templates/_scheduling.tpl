{{/*
Pod scheduling fields from one values map with the conventional keys nodeSelector, tolerations,
affinity, topologySpreadConstraints and priorityClassName. Empty fields render nothing.

Usage (inside a pod spec): {{- include "berth.scheduling" .Values | nindent 6 }}
*/}}
{{- define "berth.scheduling" -}}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
