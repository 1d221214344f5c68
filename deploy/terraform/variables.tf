# The managed connector's variables (connection name, log level, nodes,
# proxy, Twilio credentials), each checked here by the rule the worker
# itself applies (cmd/worker/config_check.go, connection.go), plus what
# the pool needs. Secrets are Secret Manager version names, never values.

variable "project" {
  description = "Google Cloud project of the topics, subscription, service account and worker pool."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run worker pool and of Memorystore."
  type        = string
  default     = "us-central1"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1 or europe-west1."
  }
}

variable "name" {
  description = "Prefix of every resource's name (topics, subscription, service account, worker pool)."
  type        = string
  default     = "twilio"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name))
    error_message = "name must be lower-case letters, digits and hyphens, starting with a letter, at most 20 characters."
  }
}

variable "image" {
  description = "The worker's container image (built by the repository's Dockerfile)."
  type        = string
  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image must name the worker's container image."
  }
}

variable "connection_name" {
  description = "The connection's name: tags every log line, and with the account SID names the pool's shared budget."
  type        = string
  # The worker's rule for CONNECTION_NAME (connectionPattern in cmd/worker/config_check.go).
  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$", var.connection_name))
    error_message = "connection_name: use lower-case letters, digits and hyphens, start with a letter, end with a letter or digit, at most 49 characters."
  }
}

variable "connection_labels" {
  description = "Google Cloud labels added to every log line (CONNECTION_LABELS)."
  type        = map(string)
  default     = {}
  validation {
    condition = length(var.connection_labels) <= 64 && alltrue([
      for k, v in var.connection_labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))
    ])
    error_message = "connection_labels: at most 64 labels, keys lower-case letters, digits, _ and - starting with a letter, values at most 63 such characters."
  }
}

variable "log_level" {
  description = "The worker's log level: DEBUG, INFO, WARNING or ERROR (any case; warn is WARNING)."
  type        = string
  default     = "ERROR"
  validation {
    condition     = contains(["debug", "info", "warn", "warning", "error"], lower(var.log_level))
    error_message = "log_level must be DEBUG, INFO, WARNING (or WARN) or ERROR."
  }
}

variable "nodes" {
  description = "Connector nodes: the pool's throughput budget, 25 Twilio requests/s per node, shared by every replica through Redis."
  type        = number
  default     = 2
  validation {
    condition     = var.nodes >= 2 && var.nodes <= 50 && floor(var.nodes) == var.nodes
    error_message = "nodes must be a whole number from 2 to 50, as the managed connector allows."
  }
}

variable "min_replicas" {
  description = "Instances of the worker pool (and the floor for an external autoscaler)."
  type        = number
  default     = 2
  validation {
    condition     = var.min_replicas >= 1 && var.min_replicas <= 50 && floor(var.min_replicas) == var.min_replicas
    error_message = "min_replicas must be a whole number from 1 to 50."
  }
}

variable "max_replicas" {
  description = "Most instances an autoscaler may run; more than the shared budget keeps busy only wait (deploy/README.md)."
  type        = number
  default     = 10
  validation {
    condition     = var.max_replicas >= var.min_replicas && var.max_replicas <= 50 && floor(var.max_replicas) == var.max_replicas
    error_message = "max_replicas must be a whole number from min_replicas to 50."
  }
}

variable "account_sid" {
  description = "Twilio Account SID."
  type        = string
  validation {
    condition     = can(regex("^AC[0-9a-fA-F]{32}$", var.account_sid))
    error_message = "account_sid must be AC followed by 32 hex digits."
  }
}

variable "auth_token_secret" {
  description = "Secret Manager version (projects/P/secrets/S/versions/V) holding the Twilio auth token; empty when api_key is used."
  type        = string
  default     = ""
  validation {
    condition     = var.auth_token_secret == "" || can(regex("^projects/[^/]+/secrets/[^/]+/versions/[^/]+$", var.auth_token_secret))
    error_message = "auth_token_secret must be projects/P/secrets/S/versions/V (V a number or latest)."
  }
}

variable "api_key" {
  description = "Twilio API key SID, used with api_secret_secret instead of the auth token (recommended for production)."
  type        = string
  default     = ""
  validation {
    condition     = var.api_key == "" || can(regex("^SK[0-9a-fA-F]{32}$", var.api_key))
    error_message = "api_key must be SK followed by 32 hex digits."
  }
}

variable "api_secret_secret" {
  description = "Secret Manager version holding the API key's secret."
  type        = string
  default     = ""
  validation {
    condition     = var.api_secret_secret == "" || can(regex("^projects/[^/]+/secrets/[^/]+/versions/[^/]+$", var.api_secret_secret))
    error_message = "api_secret_secret must be projects/P/secrets/S/versions/V (V a number or latest)."
  }
  validation {
    condition     = var.auth_token_secret != "" || (var.api_key != "" && var.api_secret_secret != "")
    error_message = "set auth_token_secret, or api_key with api_secret_secret."
  }
}

variable "proxy_enabled" {
  description = "Send every Twilio request through the proxy below."
  type        = bool
  default     = false
}

variable "proxy_url" {
  description = "The proxy: http://host:port, or https://host:port for a proxy that speaks TLS."
  type        = string
  default     = ""
  validation {
    condition     = var.proxy_url == "" || can(regex("^https?://[^/?#@]+$", var.proxy_url))
    error_message = "proxy_url must be http://host:port or https://host:port (no user or password: use proxy_user and proxy_password_secret)."
  }
  validation {
    condition     = !var.proxy_enabled || var.proxy_url != ""
    error_message = "proxy_url is required when proxy_enabled is true."
  }
}

variable "proxy_auth_scheme" {
  description = "The proxy's authentication: BASIC, DIGEST or NONE."
  type        = string
  default     = "NONE"
  validation {
    condition     = contains(["BASIC", "DIGEST", "NONE"], var.proxy_auth_scheme)
    error_message = "proxy_auth_scheme must be BASIC, DIGEST or NONE."
  }
}

variable "proxy_user" {
  description = "The proxy user, for BASIC or DIGEST."
  type        = string
  default     = ""
  validation {
    condition     = var.proxy_auth_scheme == "NONE" || var.proxy_user != ""
    error_message = "proxy_user is required when proxy_auth_scheme is BASIC or DIGEST."
  }
}

variable "proxy_password_secret" {
  description = "Secret Manager version holding the proxy password, for BASIC or DIGEST."
  type        = string
  default     = ""
  validation {
    condition     = var.proxy_password_secret == "" || can(regex("^projects/[^/]+/secrets/[^/]+/versions/[^/]+$", var.proxy_password_secret))
    error_message = "proxy_password_secret must be projects/P/secrets/S/versions/V (V a number or latest)."
  }
  validation {
    condition     = var.proxy_auth_scheme == "NONE" || var.proxy_password_secret != ""
    error_message = "proxy_password_secret is required when proxy_auth_scheme is BASIC or DIGEST."
  }
}

variable "proxy_ssltype" {
  description = "How requests cross the proxy: AUTO, ALWAYS, NEVER or TUNNEL."
  type        = string
  default     = "AUTO"
  validation {
    condition     = contains(["AUTO", "ALWAYS", "NEVER", "TUNNEL"], var.proxy_ssltype)
    error_message = "proxy_ssltype must be AUTO, ALWAYS, NEVER or TUNNEL."
  }
}

variable "redis_enabled" {
  description = "Create a Memorystore Redis for the task store and the shared budget (TASK_STORE, BUDGET_STORE); required for more than one replica."
  type        = bool
  default     = true
  validation {
    condition     = var.redis_enabled || var.max_replicas == 1
    error_message = "a pool of more than one replica must share Redis: set redis_enabled, or max_replicas = 1."
  }
}

variable "redis_memory_size_gb" {
  description = "Memorystore capacity."
  type        = number
  default     = 1
  validation {
    condition     = var.redis_memory_size_gb >= 1
    error_message = "redis_memory_size_gb must be at least 1."
  }
}

variable "network" {
  description = "VPC network of Memorystore and of the worker pool's Direct VPC egress."
  type        = string
  default     = "default"
}

variable "subnetwork" {
  description = "Subnetwork of the worker pool's Direct VPC egress (in region)."
  type        = string
  default     = "default"
}

variable "ack_deadline_seconds" {
  description = "The task subscription's ack deadline; the worker extends leases while a task runs."
  type        = number
  default     = 60
  validation {
    condition     = var.ack_deadline_seconds >= 10 && var.ack_deadline_seconds <= 600
    error_message = "ack_deadline_seconds must be from 10 to 600."
  }
}
