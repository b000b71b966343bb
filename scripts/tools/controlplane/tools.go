//go:build tools

// Package tools records the commands `make tools` builds from this module (kube-apiserver,
// kube-controller-manager, etcd); it is never compiled into anything.
// etcd is built here, not with `go install …@version`, because its own go.mod carries replace directives;
// it resolves to the etcd version Kubernetes itself requires.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
