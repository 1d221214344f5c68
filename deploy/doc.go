// Package deploy holds no code: its tests check the deployment files
// beside it (Kubernetes manifests in k8s/, the Terraform module in
// terraform/, the repository's Dockerfile) offline, against the worker's
// own settings and configuration check.
package deploy
