# The worker as an autoscaled pool on Google Cloud: task, result and
# dead-letter topics, the task subscription, the worker's service account
# and roles, optional Memorystore Redis, and a Cloud Run worker pool.
# deploy/README.md walks through it; deploy/deploy_test.go checks it.

data "google_project" "this" {
  project_id = var.project
}

locals {
  task_topic       = "${var.name}-tasks"
  result_topic     = "${var.name}-results"
  dead_topic       = "${var.name}-tasks-dead"
  task_sub         = "${var.name}-tasks-sub"
  pubsub_agent     = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  redis_host       = var.redis_enabled ? google_redis_instance.store[0].host : ""
  redis_port       = var.redis_enabled ? google_redis_instance.store[0].port : 6379
  proxy_secret     = var.proxy_enabled ? var.proxy_password_secret : ""
  secret_versions  = compact([var.auth_token_secret, var.api_secret_secret, local.proxy_secret])
  secrets          = toset([for v in local.secret_versions : regex("^(projects/[^/]+/secrets/[^/]+)/versions/", v)[0]])
  secret_roles     = ["roles/secretmanager.viewer", "roles/secretmanager.secretAccessor"]
  secret_role_bind = { for p in setproduct(local.secrets, local.secret_roles) : "${p[0]} ${p[1]}" => { secret = p[0], role = p[1] } }

  # The worker's environment: every key is a setting the worker reads
  # (worker --help), checked by `worker check-config` in deploy_test.go.
  # Empty values are left out.
  worker_env = {
    GOOGLE_CLOUD_PROJECT     = var.project
    TASK_SUBSCRIPTION        = local.task_sub
    RESULT_TOPIC             = local.result_topic
    CONNECTOR_NODES          = tostring(var.nodes)
    TWILIO_ACCOUNT_SID       = var.account_sid
    TWILIO_AUTH_TOKEN_SECRET = var.auth_token_secret
    TWILIO_API_KEY           = var.api_key
    TWILIO_API_SECRET_SECRET = var.api_secret_secret
    CONNECTION_NAME          = var.connection_name
    CONNECTION_LABELS        = join(",", [for k, v in var.connection_labels : "${k}=${v}"])
    LOG_LEVEL                = lower(var.log_level)
    PROXY_URL                = var.proxy_enabled ? var.proxy_url : ""
    PROXY_AUTH_SCHEME        = var.proxy_enabled ? var.proxy_auth_scheme : ""
    PROXY_USER               = var.proxy_enabled ? var.proxy_user : ""
    PROXY_PASSWORD_SECRET    = local.proxy_secret
    PROXY_SSL_TYPE           = var.proxy_enabled ? var.proxy_ssltype : ""
    TASK_STORE               = var.redis_enabled ? "redis://${local.redis_host}:${local.redis_port}/0" : "memory://"
    BUDGET_STORE             = var.redis_enabled ? "redis://${local.redis_host}:${local.redis_port}/1" : "local"
    # Cloud Run gives an instance 10 s after SIGTERM.
    SHUTDOWN_GRACE = "8s"
    HTTP_ADDR      = ":8080"
  }
}

resource "google_pubsub_topic" "tasks" {
  project = var.project
  name    = local.task_topic
}

resource "google_pubsub_topic" "results" {
  project = var.project
  name    = local.result_topic
}

resource "google_pubsub_topic" "dead_letter" {
  project = var.project
  name    = local.dead_topic
}

resource "google_pubsub_subscription" "tasks" {
  project              = var.project
  name                 = local.task_sub
  topic                = google_pubsub_topic.tasks.id
  ack_deadline_seconds = var.ack_deadline_seconds

  # Nacked tasks (a stopping worker, an unreachable task store, another
  # attempt still running) come back after an exponential backoff.
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  # A task that keeps failing to be answered ends on the dead-letter topic.
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = 5
  }

  depends_on = [google_pubsub_topic_iam_member.agent_dead_letter_publisher]
}

# Keeps what reaches the dead-letter topic, for inspection and alerts.
resource "google_pubsub_subscription" "dead_letter" {
  project = var.project
  name    = "${local.dead_topic}-sub"
  topic   = google_pubsub_topic.dead_letter.id
}

# Dead-lettering acts as the Pub/Sub service agent: it publishes to the
# dead-letter topic and acks on the task subscription.
resource "google_pubsub_topic_iam_member" "agent_dead_letter_publisher" {
  project = var.project
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_task_subscriber" {
  project      = var.project
  subscription = google_pubsub_subscription.tasks.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_service_account" "worker" {
  project      = var.project
  account_id   = "${var.name}-worker"
  display_name = "Twilio connector worker (${var.connection_name})"
}

resource "google_pubsub_subscription_iam_member" "worker_subscriber" {
  project      = var.project
  subscription = google_pubsub_subscription.tasks.name
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.worker.member
}

resource "google_pubsub_topic_iam_member" "worker_publisher" {
  project = var.project
  topic   = google_pubsub_topic.results.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.worker.member
}

# As the managed connector requires: viewer and accessor on each secret.
resource "google_secret_manager_secret_iam_member" "worker" {
  for_each  = local.secret_role_bind
  secret_id = each.value.secret
  role      = each.value.role
  member    = google_service_account.worker.member
}

resource "google_redis_instance" "store" {
  count              = var.redis_enabled ? 1 : 0
  project            = var.project
  region             = var.region
  name               = "${var.name}-worker-store"
  tier               = "STANDARD_HA"
  memory_size_gb     = var.redis_memory_size_gb
  authorized_network = "projects/${var.project}/global/networks/${var.network}"
  # Task records must not be evicted before they expire (deploy/README.md).
  redis_configs = {
    maxmemory-policy = "noeviction"
  }
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  project             = var.project
  name                = "${var.name}-worker"
  location            = var.region
  launch_stage        = "BETA"
  deletion_protection = false

  # Worker pools run a set number of instances; min_replicas starts the
  # pool, an external autoscaler (deploy/README.md) may move it up to
  # max_replicas.
  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.min_replicas
  }

  template {
    service_account = google_service_account.worker.email

    dynamic "vpc_access" {
      for_each = var.redis_enabled ? [1] : []
      content {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network
          subnetwork = var.subnetwork
        }
      }
    }

    containers {
      image = var.image
      dynamic "env" {
        for_each = { for k, v in local.worker_env : k => v if v != "" }
        content {
          name  = env.key
          value = env.value
        }
      }
      resources {
        # Measured peak RSS: 110-140 MB at 100 nodes with a 20 000-task backlog.
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }
    }
  }

  depends_on = [
    google_pubsub_subscription_iam_member.worker_subscriber,
    google_pubsub_topic_iam_member.worker_publisher,
    google_secret_manager_secret_iam_member.worker,
  ]
}
