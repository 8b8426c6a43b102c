//go:build tools

// Package tools pins the helm CLI this wrapper module builds.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
